// Package train trains models over data sets: a Trainer runs an optim.Step (a loss, its
// parameters and gradients, one compiled program and an optimizer) over a data set for
// epochs, with metrics, checkpoints that resume exactly, and progress.
//
//	step := optim.NewStep(loss, optim.NewAdam(0.001, 0.9, 0.999))
//	tr := &train.Trainer{Step: step, Data: train.Tensors{x: images, t: labels}, Epochs: 3,
//		Evals:   []train.Eval{{Name: "test", Data: testData}},
//		Metrics: []train.Metric{{Name: "acc", Node: ops.Accuracy(scores, t)}}}
//	history, err := tr.Train(ctx)
//
// Data feeds any number of inputs of any element type; Tensors holds them in memory, and
// MNIST wraps a dataset.Set without copying its images. A Metric is any scalar node built
// from the same inputs, averaged over the batches of each Eval set after every epoch.
// Predictor classifies many samples with a model's Predict.
//
// # Error handling
//
// Everything that runs returns errors: data that does
// not fit its inputs (naming the input, the shapes and element types), failed runs, and
// checkpoints of another model, which change nothing.
//
// Package train imports graph, ops, optim, nn, nn/paramfile, dataset and progressbar.
package train
