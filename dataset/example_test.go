package dataset_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/zerograd/zerograd/dataset"
)

// The book's load_mnist(normalize=True, flatten=True, one_hot_label=True).
// With no folder given, MNIST comes from the GoMNIST module's copy.
func ExampleLoadMNIST() {
	train, test, err := dataset.LoadMNIST(dataset.Options{Normalize: true, Flatten: true, OneHot: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(train.Shape(), test.Shape())
	fmt.Println("first label:", train.Labels[0], train.OneHot[:10])
	// Output:
	// [60000 784] [10000 784]
	// first label: 5 [0 0 0 0 0 1 0 0 0 0]
}

func ExampleSet_Batches() {
	s := &dataset.Set{N: 5, Rows: 1, Cols: 2, Classes: 3,
		Images: []float32{0, 0, 1, 1, 2, 2, 3, 3, 4, 4},
		Labels: []int{0, 1, 2, 0, 1}}
	it := s.Batches(2, rand.New(rand.NewPCG(1, 2)))
	for it.Next() {
		fmt.Println(it.Indices(), it.X(), it.Labels())
	}
	// Output:
	// [1 4] [1 1 4 4] [1 1]
	// [2 0] [2 2 0 0] [2 0]
	// [3] [3 3] [0]
}
