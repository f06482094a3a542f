package optim

import (
	"fmt"
	"math"
	"strings"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// store keeps an optimizer's per-parameter state, like the book's dicts self.v, self.h,
// self.m: keyed by parameter name, one tensor per kind ("v" for Momentum, "m" and "v" for
// Adam), created as zeros the first time a parameter is stepped.
type store struct {
	rule  string   // "adam": the first part of slot names
	kinds []string // "m", "v": the second part
	keys  []string // parameter names in the order they were first stepped
	slots map[string]*entry
	epoch uint64   // counts prepare calls, to find a name twice in one step
	cur   []*entry // prepare's result, reused
	fresh []int    // indices of parameters without state, reused
}

// entry is the state of one parameter: one tensor per kind, of the parameter's type.
type entry struct {
	t    []*tensor.Dense
	seen uint64 // the epoch that last used it
}

func newStore(rule string, kinds ...string) store { return store{rule: rule, kinds: kinds} }

// The kinds of state the rules keep, shared so that use allocates nothing.
var (
	kindV  = []string{"v"}      // Momentum, Nesterov: velocity
	kindH  = []string{"h"}      // AdaGrad, RMSprop: squared gradients
	kindMV = []string{"m", "v"} // Adam: moving averages of gradients and their squares
)

// use returns s, made a store of rule with kinds the first time: an optimizer made as a
// struct literal starts with a zero store.
func (s *store) use(rule string, kinds []string) *store {
	if s.rule == "" {
		*s = newStore(rule, kinds...)
	}
	return s
}

// begin starts a step: it returns check, the error of the rule's settings, if there is one,
// and otherwise prepare's result.
func (s *store) begin(check error, params []*graph.Node, grads []*tensor.Dense) ([]*entry, error) {
	if check != nil {
		return nil, check
	}
	return s.prepare(params, grads)
}

// prepare checks a step's arguments and returns the state of each parameter, in order,
// creating zeros for parameters stepped for the first time. On error nothing changes.
func (s *store) prepare(params []*graph.Node, grads []*tensor.Dense) ([]*entry, error) {
	if err := checkArgs(s.rule, params, grads); err != nil {
		return nil, err
	}
	s.epoch++
	s.cur, s.fresh = s.cur[:0], s.fresh[:0]
	for i, p := range params {
		e := s.slots[key(p)]
		if e == nil {
			s.fresh = append(s.fresh, i)
		} else if e.seen == s.epoch {
			return nil, s.duplicate(p)
		} else if !sameShape(e.t[0], p.Shape()) || e.t[0].Dtype() != p.DType().Tensor() {
			return nil, fmt.Errorf("optim: %s: parameter %s is %s but its state %s is %s",
				s.rule, p.Label(), p.Type(), s.slotName(0, key(p)), typeOf(e.t[0]))
		}
		if e != nil {
			e.seen = s.epoch
		}
		s.cur = append(s.cur, e)
	}
	if len(s.fresh) == 0 {
		return s.cur, nil
	}
	// New parameters (the first step): check their names are distinct, then make state.
	names := map[string]bool{}
	for _, i := range s.fresh {
		k := key(params[i])
		if names[k] {
			return nil, s.duplicate(params[i])
		}
		names[k] = true
	}
	if s.slots == nil {
		s.slots = map[string]*entry{}
	}
	for _, i := range s.fresh {
		p := params[i]
		e := &entry{t: make([]*tensor.Dense, len(s.kinds)), seen: s.epoch}
		for j := range e.t {
			e.t[j] = graph.NewTensor(p.DType(), p.Shape()...)
		}
		s.slots[key(p)] = e
		s.keys = append(s.keys, key(p))
		s.cur[i] = e
	}
	return s.cur, nil
}

func (s *store) duplicate(p *graph.Node) error {
	return fmt.Errorf("optim: %s: two parameters are named %s; state is kept by name, so names must differ", s.rule, key(p))
}

func (s *store) slotName(kind int, name string) string {
	return s.rule + "/" + s.kinds[kind] + "/" + name
}

// state returns copies of the state, kind by kind, parameters in the order first stepped.
func (s *store) state() []Slot {
	var out []Slot
	for j := range s.kinds {
		for _, k := range s.keys {
			out = append(out, Slot{Name: s.slotName(j, k), Value: s.slots[k].t[j].Clone().(*tensor.Dense)})
		}
	}
	return out
}

// scalar is a state value that is not per parameter, such as Adam's step count.
type scalar struct {
	name string  // "adam/iter"
	v    float64 // the value read from the slot
}

// setState checks state against params (and the scalars the rule keeps) and, when
// everything fits, replaces the store's contents with copies. It reports every problem.
// The scalars' values are filled in from state.
func (s *store) setState(params []*graph.Node, state []Slot, scalars []*scalar) error {
	if len(state) == 0 { // back to the state before the first step
		s.keys, s.slots = nil, nil
		for _, sc := range scalars {
			sc.v = 0
		}
		return nil
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	want := map[string]graph.Type{} // slot name -> type it must have
	wantScalar := map[string]*scalar{}
	var order []string // expected names, to report missing ones in order
	owner := map[string]*graph.Node{}
	for i, p := range params {
		switch {
		case p == nil:
			bad("parameter %d is nil", i)
			continue
		case p.Kind() != graph.KindParam:
			bad("%s is %s %s, not a parameter", p.Label(), article(p.Kind()), p.Kind())
			continue
		case owner[key(p)] != nil:
			bad("two parameters are named %s", key(p))
			continue
		}
		owner[key(p)] = p
		for j := range s.kinds {
			n := s.slotName(j, key(p))
			want[n] = p.Type()
			order = append(order, n)
		}
	}
	for _, sc := range scalars {
		want[sc.name] = graph.Type{DType: graph.Float64}
		wantScalar[sc.name] = sc
		order = append(order, sc.name)
	}

	got := map[string]*tensor.Dense{}
	for _, sl := range state {
		t, ok := want[sl.Name]
		switch {
		case !ok:
			bad("%s: %s", sl.Name, s.unknown(sl.Name))
		case got[sl.Name] != nil:
			bad("%s: given twice", sl.Name)
		default:
			if err := checkTensor(sl.Value, t); err != nil {
				bad("%s %v", sl.Name, err)
			} else if sc := wantScalar[sl.Name]; sc != nil {
				v := sl.Value.Float64s()[0]
				if !(v >= 0 && v == math.Trunc(v) && v < 1<<53) {
					bad("%s = %g, want a whole number of steps >= 0", sl.Name, v)
				}
			}
			if sl.Value != nil {
				got[sl.Name] = sl.Value
			}
		}
	}
	for _, n := range order {
		if _, ok := got[n]; !ok {
			bad("%s: missing", n)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("optim: %s: SetState: the state does not fit the parameters: %s", s.rule, strings.Join(problems, "; "))
	}

	for _, sc := range scalars {
		sc.v = got[sc.name].Float64s()[0]
	}
	s.keys, s.slots = nil, map[string]*entry{}
	for _, p := range params {
		e := &entry{t: make([]*tensor.Dense, len(s.kinds))}
		for j := range s.kinds {
			e.t[j] = got[s.slotName(j, key(p))].Clone().(*tensor.Dense)
		}
		s.slots[key(p)] = e
		s.keys = append(s.keys, key(p))
	}
	return nil
}

// unknown explains why a slot name is not one the parameters need.
func (s *store) unknown(name string) string {
	rule, rest, _ := strings.Cut(name, "/")
	if rule != s.rule {
		return fmt.Sprintf("not a state of %s", s.rule)
	}
	kind, param, _ := strings.Cut(rest, "/")
	for _, k := range s.kinds {
		if k == kind {
			return fmt.Sprintf("no parameter named %s among the parameters given", param)
		}
	}
	return fmt.Sprintf("%s keeps no %q", s.rule, kind)
}
