// Package cli gives every example the same command-line behaviour: the same usage text,
// the same exit codes and the same handling of Ctrl-C.
//
// An example's main is one line:
//
//	func main() { cli.Main("ch07-1-simple-convnet", run) }
//
//	func run(ctx context.Context, w, logw io.Writer, args []string) error {
//		fs := cli.Flags("ch07-1-simple-convnet", "trains the book's SimpleConvNet on MNIST.", logw)
//		epochs := fs.Int("epochs", 3, "training epochs")
//		if err := cli.Parse(fs, args); err != nil {
//			return err
//		}
//		...
//	}
//
// run writes its results to w (standard output) and progress to logw (standard error). It
// stops early when ctx is cancelled: the first interrupt (Ctrl-C or SIGTERM) cancels ctx, a
// second one kills the program at once.
//
// # Exit codes
//
//   - 0: run returned nil, or the user asked for help (-h, -help; the usage text is printed).
//   - 1: run returned any other error; it is printed as "name: err" on standard error.
//   - 2: the command line is wrong (an unknown flag, a bad value); the flag package has
//     already printed the problem and the usage text, Main prints nothing more.
//   - 130: run returned an error wrapping context.Canceled (the user interrupted it), the
//     shell's code for "ended by SIGINT". Main prints "name: interrupted"; run itself says
//     what it saved before returning.
//
// # Error handling
//
// Main never returns. Exit is Main without the process around it: it takes the writers
// and the context and returns the exit code, for tests.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Func is an example's body: results go to w, progress and diagnostics to logw.
type Func func(ctx context.Context, w, logw io.Writer, args []string) error

// Exit codes returned by Exit (see the package documentation).
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2
	ExitInterrupted = 130
)

// usageError marks a command line the flag package rejected (and already reported).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// Flags returns a flag set named name whose usage text has the form every example shares:
//
//	usage: name [flags]
//
//	summary
//
//	flags:
//	  -epochs int
//	    	...
//
// Messages from the flag package (usage, bad flags) go to logw.
func Flags(name, summary string, logw io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(logw)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s [flags]\n", name)
		if summary != "" {
			fmt.Fprintf(fs.Output(), "\n%s\n", summary)
		}
		fmt.Fprintf(fs.Output(), "\nflags:\n")
		fs.PrintDefaults()
	}
	return fs
}

// Parse parses args into fs. It returns flag.ErrHelp for -h, an error for which Main exits
// with code 2 for a bad command line, and an error for arguments left over after the
// flags (no example takes positional arguments).
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// Main runs run with the program's arguments, standard output and standard error and a
// context cancelled by the first SIGINT or SIGTERM, then exits with the code Exit gives.
func Main(name string, run Func) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second interrupt ends the program at once
	}()
	code := Exit(ctx, name, run, os.Stdout, os.Stderr, os.Args[1:])
	stop()
	os.Exit(code)
}

// Exit runs run and turns its result into an exit code, printing the error (if any) as
// "name: err" on logw.
func Exit(ctx context.Context, name string, run Func, w, logw io.Writer, args []string) int {
	err := run(ctx, w, logw, args)
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &ue):
		return ExitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(logw, "%s: interrupted\n", name)
		return ExitInterrupted
	default:
		fmt.Fprintf(logw, "%s: %v\n", name, err)
		return ExitError
	}
}
