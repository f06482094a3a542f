package viz

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/zerograd/zerograd/graph"
)

// WriteFiles draws outputs' graph into dir (made if missing) under the given base name:
// name-forward, name-backward and name-full, each as .dot and .svg, and, when opt.Values is
// a *Recording, the step-through page name.html. opt.View is ignored. It returns the paths
// written, in that order.
func WriteFiles(dir, name string, opt Options, outputs ...*graph.Node) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("viz: %w", err)
	}
	var paths []string
	write := func(file string, data []byte) error {
		p := filepath.Join(dir, file)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return fmt.Errorf("viz: %w", err)
		}
		paths = append(paths, p)
		return nil
	}
	for _, v := range []View{Forward, Backward, Full} {
		o := opt
		o.View = v
		dot, err := Dot(o, outputs...)
		if err != nil {
			return paths, err
		}
		svg, err := Render(dot, SVGFormat)
		if err != nil {
			return paths, err
		}
		base := name + "-" + viewFile[v]
		if err := write(base+".dot", dot); err != nil {
			return paths, err
		}
		if err := write(base+".svg", svg); err != nil {
			return paths, err
		}
	}
	if _, ok := opt.Values.(*Recording); ok {
		page, err := HTML(opt, outputs...)
		if err != nil {
			return paths, err
		}
		if err := write(name+".html", page); err != nil {
			return paths, err
		}
	}
	return paths, nil
}

var viewFile = map[View]string{Forward: "forward", Backward: "backward", Full: "full"}
