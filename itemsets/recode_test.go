package itemsets

import (
	"context"
	"slices"
	"testing"
)

// testHierarchy is a hierarchy given as rows value, level 1, …, top.
type testHierarchy [][]string

func (h testHierarchy) Levels() int { return len(h[0]) }
func (h testHierarchy) Values() []string {
	var v []string
	for _, r := range h {
		v = append(v, r[0])
	}
	return v
}
func (h testHierarchy) Label(value string, level int) (string, bool) {
	for _, r := range h {
		if r[0] == value {
			return r[level], true
		}
	}
	return "", false
}

// smallHierarchy generalises a, b to "ab" and c, NULL to "cN", then "*".
var smallHierarchy = testHierarchy{{"a", "ab", "*"}, {"b", "ab", "*"}, {"c", "cN", "*"}, {"NULL", "cN", "*"}}

func TestSuggestSmall(t *testing.T) {
	s := smallSets(t)
	for _, c := range []struct {
		k              int
		maxSuppression float64
		level          int
		suppressed     []string
		loss           Loss
		tried          int
	}{
		// Level 0: c and NULL (2 subjects each) go, 4 of 12 occurrences,
		// from s1, s4, s5, s6; s5 is left with nothing. {a, b} then has 3.
		{3, 0.5, 0, []string{"c", "NULL"}, Loss{Occurrences: 12, Suppressed: 4, SuppressedItems: 2, SubjectsTouched: 4, SubjectsEmptied: 1, NCP: 4.0 / 12}, 1},
		// Level 1: ab in 5 sets, cN in 4, {ab, cN} in 3: every occurrence
		// covers 2 of the 4 values, NCP 1/2.
		{3, 0.1, 1, nil, Loss{Occurrences: 12, Generalised: 12, NCP: 0.5}, 2},
		// k = 4: {ab, cN} (3 subjects) violates; only "*" is left.
		{4, 0.1, 2, nil, Loss{Occurrences: 12, Generalised: 12, NCP: 1}, 3},
	} {
		sg, err := Suggest(context.Background(), s, SafeOptions{Options: Options{K: c.k, M: 2}, Hierarchy: smallHierarchy, MaxSuppression: c.maxSuppression})
		if err != nil {
			t.Fatal(err)
		}
		if !sg.Met || sg.Recoding.Level != c.level || !slices.Equal(sg.Recoding.Suppressed, c.suppressed) || sg.Loss != c.loss ||
			len(sg.Trials) != c.tried || !sg.After.Anonymous() {
			t.Errorf("k=%d max %g: met %v level %d suppressed %q loss %+v tried %d; want level %d %q %+v %d",
				c.k, c.maxSuppression, sg.Met, sg.Recoding.Level, sg.Recoding.Suppressed, sg.Loss, len(sg.Trials), c.level, c.suppressed, c.loss, c.tried)
		}
		// Recode reproduces the suggestion's sets.
		after, loss, err := Recode(s, smallHierarchy, sg.Recoding)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Measure(context.Background(), after, Options{K: c.k, M: 2})
		if err != nil {
			t.Fatal(err)
		}
		if loss != sg.Loss || !r.Anonymous() || r.Subjects != sg.After.Subjects {
			t.Errorf("k=%d: Recode loss %+v anonymous %v subjects %d; Suggest %+v %d", c.k, loss, r.Anonymous(), r.Subjects, sg.Loss, sg.After.Subjects)
		}
	}
	// Seven subjects needed for k = 7: nothing meets it.
	sg, err := Suggest(context.Background(), s, SafeOptions{Options: Options{K: 7, M: 1}, Hierarchy: smallHierarchy, MaxSuppression: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if sg.Met || len(sg.Trials) != 3 {
		t.Errorf("k=7: met %v after %d trials, want not met after 3", sg.Met, len(sg.Trials))
	}
	if _, err := Suggest(context.Background(), s, SafeOptions{Options: Options{K: 2, M: 1}, MaxSuppression: 2}); err == nil {
		t.Error("MaxSuppression 2 accepted")
	}
}
