// Package optim holds the update rules of the book's chapter 6 (common/optimizer.py): SGD,
// Momentum, Nesterov, AdaGrad, RMSprop and Adam. Each updates parameter nodes in place
// (graph.Node.Value) from the values of their gradients computed by a compiled program.
//
// A Step binds a loss, the parameters it trains (by default every one it depends on), their
// gradients, one compiled program that computes loss and gradients in one run, and a rule:
//
//	step := optim.NewStep(loss, optim.NewAdam(0.001, 0.9, 0.999))
//	for range steps {
//		loss, err := step.Run(graph.Feeds{x: xb, t: tb}) // forward, backward, update
//		...
//	}
//
// Step.Run switches the graph's dropout and batch norm to training (ops.ModeOf) for its run.
// A rule can also be applied by hand to gradients a program computed: opt.Step(params,
// grads), grads[i] the value of params[i]'s gradient.
//
// Each rule is a struct whose exported fields are the book's hyperparameters (LR,
// Momentum, DecayRate, Beta1, Beta2). NewAdam(lr, beta1, beta2) and the like set them
// all, DefaultAdam() and the like set the book's defaults, and a literal such as
// &optim.Adam{LR: 0.3, Beta1: 0.9, Beta2: 0.999} works as well. The fields may be changed
// between steps (a learning-rate schedule). The formulas are the book's, term for term
// and in the same order, so that float64 runs match its NumPy code to the last bits or
// nearly: for example Nesterov as the book writes it, and Adam with the bias correction
// folded into the learning rate. The kernels run over raw slices for float32 and
// float64 parameters and allocate nothing after the first step.
//
// # State
//
// Momentum, Nesterov, AdaGrad, RMSprop and Adam keep state per parameter, like the book's
// dicts self.v, self.h, self.m and self.v: tensors of the parameter's shape, made as zeros
// on the parameter's first step and kept by parameter name (as the book keys its dicts by
// "W1", "b1"), so parameters stepped together need distinct names. State returns copies
// of it as a list of Slots, named rule/kind/parameter:
//
//	adam/m/W1  adam/m/b1  adam/v/W1  adam/v/b1  adam/iter
//
// and SetState restores them into another optimizer of the same rule, so that a run saved
// mid-way and resumed continues bit for bit as if it had not stopped. Package nn writes
// the slots in parameter files. An optimizer is for one goroutine at a time.
//
// # Hooks
//
// WithHooks wraps any optimizer with hooks that change the gradients first: WeightDecay
// adds lambda*W to the gradients of the parameters it selects (NamePrefix("W") for the
// book's weights, not biases), and ClipNorm scales all gradients down together when their
// global L2 norm exceeds a maximum:
//
//	opt := optim.WithHooks(optim.NewSGD(0.01), optim.WeightDecay(0.1, optim.NamePrefix("W")), optim.ClipNorm(5))
//
// Hooks work on copies that the wrapper keeps: the caller's gradient tensors are only
// read, by hooks and optimizers alike.
//
// # Error handling
//
// Step returns an error, and changes nothing, when the parameters and gradients do not
// match: different counts, a node that is not a parameter, a gradient of another shape
// or element type than its parameter, two parameters with the same name, or a
// hyperparameter out of range (a negative learning rate, a momentum or beta outside
// [0, 1)). The message names the rule and the parameter:
//
//	optim: adam: gradient of W1 is float32[784 50], want float64[784 50]
//
// SetState checks names, shapes and element types of every slot against the parameters,
// reports every missing, unknown or mismatched slot by name in one error, and changes
// nothing when any is wrong. Nothing in this package panics on user data.
//
// Package optim imports graph, autodiff and ops for Step (which differentiates the loss
// and switches the graph's Mode), and internal/parallel to run Adam's update of a large
// float32 parameter on all cores.
package optim
