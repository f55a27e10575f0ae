package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPct(t *testing.T) {
	for f, want := range map[float64]string{
		0: "0.0%", 1: "100.0%", 0.5: "50.0%", 0.1234: "12.3%",
		0.002: "0.2%", 0.0004: "0.04%", 0.000012: "0.0012%", 0.99996: "99.996%",
	} {
		require.Equal(t, want, pct(f), "pct(%v)", f)
	}
}

// TestTextSingular: one quasi-identifier, one unique row, one subject alone.
func TestTextSingular(t *testing.T) {
	p := writeFile(t, "one.csv", "id,q\nu1,a\nu2,a\nu3,b\n")
	code, text, errs := runCLI(t, "", "analyze", p, "--qi", "q", "--subject", "id")
	require.Equal(t, 0, code, errs)
	for _, want := range []string{
		"3 rows, 2 equivalence classes over 1 quasi-identifier\n",
		"1 row (33.3%) is unique",
		"1 (33.3%) is alone in at least one class",
		"0 subjects have rows in more than one class",
	} {
		require.Contains(t, text, want)
	}
}

// TestTextOrderedBy: the ordered t-closeness of a text column is labelled
// lexicographic, of a numeric one numeric.
func TestTextOrderedBy(t *testing.T) {
	p := writeFile(t, "s.csv", "q,s,n\na,x,10\na,y,9\nb,x,10\n")
	code, text, errs := runCLI(t, "", "analyze", p, "--qi", "q", "--sensitive", "s")
	require.Equal(t, 0, code, errs)
	require.Contains(t, text, "(lexicographic order: text values")
	code, text, errs = runCLI(t, "", "analyze", p, "--qi", "q", "--sensitive", "n")
	require.Equal(t, 0, code, errs)
	require.Contains(t, text, "(numeric order)")
	require.False(t, strings.Contains(text, "lexicographic"))
}
