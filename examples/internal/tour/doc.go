// Package tour holds, in its tests, the code of docs/api-tour.md: a tour of zerograd's API
// that go test runs, so that it keeps compiling and printing what the page says.
package tour
