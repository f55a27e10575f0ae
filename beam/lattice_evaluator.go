package beam

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/reidrisk/reidrisk/generalize"
)

// pipelineEvaluator is the generalize.Evaluator of Suggest on Beam: each
// batch of nodes is one pipeline over the shards of the finest table.
type pipelineEvaluator struct {
	lat     *generalize.Lattice
	spec    latticeSpec
	paths   []string // the finest table's shards
	dir     string
	run     func(context.Context, *beam.Pipeline) error
	sg      *Suggestion // Pipelines and Evaluated are counted into it
	written *[]string
}

// newPipelineEvaluator prepares the evaluation of the nodes of f's
// lattice. It refuses lattices of more than opt.Search.MaxOptimalNodes
// nodes: the heuristic search takes one node at a time, one pipeline
// each.
func newPipelineEvaluator(f *finest, opt SuggestOptions, dir string, sg *Suggestion, written *[]string) (*pipelineEvaluator, error) {
	// The evaluator checks the policy, the hierarchies and the values.
	ne, err := generalize.NewNodeEvaluator(f.marginals, opt.Hierarchies, opt.Policy)
	if err != nil {
		return nil, err
	}
	e := &pipelineEvaluator{lat: ne.Lattice(), paths: f.paths, dir: dir, run: opt.Run, sg: sg, written: written}
	size := int64(1)
	for _, h := range e.lat.Hierarchies {
		size *= int64(h.Levels())
	}
	limit := opt.Search.MaxOptimalNodes
	if limit <= 0 {
		limit = 100_000
	}
	if size > limit {
		return nil, fmt.Errorf("reidrisk/beam: the lattice has %d nodes, more than the %d evaluated on Beam (SuggestOptions.Search.MaxOptimalNodes)", size, limit)
	}
	for j, h := range append(append([]*generalize.Hierarchy(nil), e.lat.Hierarchies...), e.lat.SensitiveHierarchies...) {
		e.spec.Hierarchies = append(e.spec.Hierarchies, hierarchyRows{h.Column(), h.Source(), h.Rows()})
		if j >= len(f.marginals) {
			continue
		}
		b, err := f.marginals[j].MarshalBinary()
		if err != nil {
			return nil, err
		}
		e.spec.Marginals = append(e.spec.Marginals, b)
	}
	e.spec.Policy = opt.Policy
	return e, nil
}

func (e *pipelineEvaluator) Lattice() *generalize.Lattice { return e.lat }

// Batch: every node the search can ask for at once goes into one
// pipeline.
func (e *pipelineEvaluator) Batch() int { return 1 << 20 }

// Evaluate runs one pipeline evaluating the nodes at levels.
func (e *pipelineEvaluator) Evaluate(ctx context.Context, levels [][]int, _ bool) ([]*generalize.Node, error) {
	out := fmt.Sprintf("%s/round-%03d", e.dir, e.sg.Pipelines)
	p, s := beam.NewPipelineWithRoot()
	files := beam.Reshuffle(s, beam.CreateList(s, e.paths))
	rolled := beam.ParDo(s, &rollFn{Spec: e.spec, Nodes: levels}, files)
	merged := beam.CombinePerKey(s, &mergeFn{}, rolled)
	collect(s, beam.ParDo(s, &evalNodeFn{Spec: e.spec}, merged), out)
	if err := e.run(ctx, p); err != nil {
		return nil, fmt.Errorf("reidrisk/beam: evaluating %d lattice nodes: %w", len(levels), err)
	}
	e.sg.Pipelines++
	blobs, err := readList(ctx, out)
	*e.written = append(*e.written, out)
	if err != nil {
		return nil, err
	}
	byKey := make(map[string]*generalize.Node, len(blobs))
	for _, b := range blobs {
		var n generalize.Node
		if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&n); err != nil {
			return nil, fmt.Errorf("reidrisk/beam: reading a node: %w", err)
		}
		byKey[nodeKey(n.Levels)] = &n
	}
	nodes := make([]*generalize.Node, len(levels))
	for i, lv := range levels {
		if nodes[i] = byKey[nodeKey(lv)]; nodes[i] == nil {
			return nil, fmt.Errorf("reidrisk/beam: %d lattice nodes evaluated, %d asked for (node %v missing)", len(blobs), len(levels), lv)
		}
		h := 0
		for _, l := range lv {
			h += l
		}
		for len(e.sg.Evaluated) <= h {
			e.sg.Evaluated = append(e.sg.Evaluated, 0)
		}
		e.sg.Evaluated[h]++
	}
	return nodes, nil
}
