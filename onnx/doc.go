// Package onnx exports zerograd graphs as ONNX models and imports ONNX models as zerograd
// graphs.
//
// Export writes the graph computing some outputs: the inputs they depend on become the
// model's inputs, parameters become initializers under their own names (the book's
// networks keep W1..b8), and the first axis the inputs share becomes the symbolic batch
// axis "N" (Exporter.FixedBatch keeps it fixed). Models declare ONNX opset 17 (Opset) and
// hold float32 or float64 values; they compute the graph at inference (batch norm with
// its running statistics, dropout scaled as at inference). export_ops.go lists how each op
// maps.
//
//	err := onnx.Save("convnet.onnx", net.Predict(x))
//
// Import reads models of opsets 13 to 17 (MinOpset..Opset): inputs become graph inputs,
// float initializers become parameters that train, and each node becomes zerograd ops, so
// the model runs, differentiates, draws and trains like any other graph. zerograd's shapes
// are static: symbolic axes take ImportOptions.Batch. The loss ops export writes
// (SoftmaxCrossEntropyLoss with mean reduction, OneHot, Equal) import back, so a training
// graph's loss makes the round trip too; ONNX's booleans become 0 and 1 of the float type.
//
//	m, err := onnx.Load("model.onnx", onnx.ImportOptions{Batch: 100})
//	loss := ops.SoftmaxCrossEntropy(m.Outputs[0], t)
//
// Sequence models and transformers make the trip too: layer norm, embedding lookups and
// gathers, where and masked fill, GELU (as its parts: Gelu is opset 20), SiLU, softplus,
// batched matmul and cross entropy with an ignored label export, and import back. Import
// also reads Split, Squeeze, Unsqueeze and ONNX's LSTM (forward, default activations,
// layout 0 or 1), which it unrolls into zerograd's ops, so that a PyTorch LSTM trains; the
// shape arithmetic PyTorch writes around it (Shape, ConstantOfShape, and Gather, Concat,
// Unsqueeze, Squeeze and Cast of constants) is computed while importing.
//
// The tests check both directions against ONNX Runtime (onnxruntime-node), onnx.checker
// and PyTorch (testdata/torch/gen.py makes the import fixtures with torch.onnx.export).
//
// # Error handling
//
// Export returns an error naming the op and the node for ops ONNX cannot express (custom
// elementwise ops, the ops of backward graphs). Import returns an error naming the op
// type, the node and what is missing for unsupported op types and attributes, and an error
// for malformed files; tensor data must match its declared dims before anything is
// allocated, and no declared shape may exceed 2^28 elements.
package onnx
