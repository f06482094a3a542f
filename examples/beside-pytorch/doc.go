// Package beside holds the programs of docs/beside-pytorch.md: each written with zerograd
// as an Example test (mlp_test.go, convnet_test.go, focal_test.go, twoinputs_test.go)
// and with PyTorch beside it (mlp.py, ...). TestPythonTwins runs the Python ones where
// /usr/bin/python3 has torch and checks they print what the Go ones print; TestLineCounts
// keeps the page's code and line counts equal to the files.
package beside
