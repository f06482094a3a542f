package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func TestExit(t *testing.T) {
	body := func(ctx context.Context, w, logw io.Writer, args []string) error {
		fs := Flags("demo", "does a demo.", logw)
		fail := fs.String("fail", "", "error to return")
		if err := Parse(fs, args); err != nil {
			return err
		}
		switch *fail {
		case "cancel":
			return fmt.Errorf("training: %w", context.Canceled)
		case "":
			fmt.Fprintln(w, "done")
			return nil
		}
		return errors.New(*fail)
	}
	for _, tc := range []struct {
		args     []string
		code     int
		stdout   string
		stderrIn string
	}{
		{nil, 0, "done\n", ""},
		{[]string{"-h"}, 0, "", "usage: demo [flags]\n\ndoes a demo.\n\nflags:\n  -fail string"},
		{[]string{"-help"}, 0, "", "usage: demo [flags]"},
		{[]string{"-nope"}, 2, "", "flag provided but not defined: -nope"},
		{[]string{"extra"}, 2, "", "unexpected argument \"extra\""},
		{[]string{"-fail", "boom"}, 1, "", "demo: boom\n"},
		{[]string{"-fail", "cancel"}, 130, "", "demo: interrupted\n"},
	} {
		var w, logw bytes.Buffer
		code := Exit(context.Background(), "demo", body, &w, &logw, tc.args)
		if code != tc.code || w.String() != tc.stdout || !strings.Contains(logw.String(), tc.stderrIn) {
			t.Errorf("%q: code %d, stdout %q, stderr %q; want %d, %q, stderr containing %q",
				tc.args, code, w.String(), logw.String(), tc.code, tc.stdout, tc.stderrIn)
		}
		if tc.code == 2 && strings.Contains(logw.String(), "demo: ") {
			t.Errorf("%q: usage error printed twice: %q", tc.args, logw.String())
		}
	}
}
