package generalize

import "github.com/reidrisk/reidrisk/anonymity"

// Check evaluates c, the class table of data already generalised, against
// p as Search evaluates a node (see NodeEvaluator.Evaluate): fail marks the
// classes failing a per-class criterion, whose records are suppressed, and
// n holds the figures of the table with them suppressed. n.Feasible reports
// whether p is met: at most MaxSuppression of the records suppressed, at
// least one record kept, and the table-level criteria (MaxAverageRisk,
// MaxRecordsAtRisk, MaxSampleUniques) holding over the kept records. The
// utility figures treat every QI as a one-level hierarchy (nothing is
// generalised further), so only DM, DM*, AECS and the risks are meaningful.
// A policy with LocalSuppression is an *OptionError: cells are blanked by
// LocalSuppress, no class is removed.
//
// Hierarchical t-closeness reads the hierarchies of the sensitive columns
// in sensitiveHierarchies.
func Check(c *anonymity.Classes, p Policy, sensitiveHierarchies ...*Hierarchy) (fail []bool, n *Node, err error) {
	if err := p.validate(); err != nil {
		return nil, nil, err
	}
	if p.LocalSuppression {
		return nil, nil, &OptionError{Field: "LocalSuppression", Reason: "not supported by Check (it sees classes, not the cells to blank)"}
	}
	bs := make([]*binding, len(c.QI))
	for j, d := range c.Dicts {
		bs[j] = identity(d)
	}
	ev, t, err := newEvaluator(c, newRoller(bs), p, sensitiveHierarchies)
	if err != nil {
		return nil, nil, err
	}
	if n, err = ev.evaluate(t, true); err != nil {
		return nil, nil, err
	}
	return append([]bool(nil), ev.fail[:c.Len()]...), n, nil
}
