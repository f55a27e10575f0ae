package reidrisk

import (
	"github.com/reidrisk/reidrisk/quasiid"
)

// Defaults used when an Options field is zero.
const (
	DefaultK             = 5   // smallest acceptable class size
	DefaultRiskThreshold = 0.2 // prosecutor risk 1/|E| above which a record is at risk (ARX)
	DefaultL             = 2   // l for recursive (c,l)-diversity
	DefaultQIMaxColumns  = 12  // QI analysis covers all subsets of up to this many QIs
)

// Options say what Analyze measures. Only QI is required.
type Options struct {
	// QI names the quasi-identifier columns, in analysis order.
	QI []string
	// Sensitive names the columns whose values an attacker wants to learn;
	// with them the report has l-diversity, t-closeness, β-likeness and
	// δ-disclosure.
	Sensitive []string
	// Subject names the column of the person or account each row belongs
	// to; with it counts of people count distinct subjects (k_subjects).
	Subject string
	// Identifiers name direct identifiers: checked to exist, never analysed,
	// never printed.
	Identifiers []string

	// K is the smallest acceptable class size (0: DefaultK). With a
	// Subject it is checked on Report.KSubjects, the fewest distinct
	// subjects in a class, since rows of one person do not hide each
	// other; without one, on Report.K (rows). Report.Policy.KCountedIn says
	// which.
	K int
	// RiskThreshold is the prosecutor risk above which a record counts as
	// at risk, strictly (0: DefaultRiskThreshold).
	RiskThreshold float64
	// L is the l of recursive (c,l)-diversity (0: DefaultL).
	L int
	// C, if positive, is checked as recursive (c,l)-diversity.
	C float64
	// T, if positive, is checked as t-closeness.
	T float64
	// Hierarchies, per sensitive column, gives each value's generalisations
	// from level 1 to the root, for hierarchical t-closeness.
	Hierarchies map[string]map[string][]string

	// Population is a table of the whole population (same QI columns) for
	// journalist and marketer risk. At most one of Population, Weights and
	// SamplingFraction may be set.
	Population *quasiid.Source
	// Weights names a column of per-record sampling weights (how many
	// population records each sample record stands for).
	Weights string
	// SamplingFraction is the fraction π of the population in the sample,
	// 0 < π ≤ 1; it also selects the population-uniqueness model.
	SamplingFraction float64

	// SUDA asks for SUDA2 minimal sample uniques and DIS-SUDA scores.
	SUDA bool
	// SUDAMaxSize bounds the size of the minimal sample uniques searched
	// (0: the number of QIs, as sdcMicro does).
	SUDAMaxSize int

	// QIMaxColumns bounds the QI analysis: every combination of the QIs
	// when there are at most this many; beyond, the combinations of up to
	// anonymity.QISizeLimit QIs: as many sizes as keep their number within
	// 2^QIMaxColumns − 1, and at least sizes 1 to 3 (0: DefaultQIMaxColumns).
	QIMaxColumns int
	// SkipQIAnalysis turns the QI analysis off: Report.QIAnalysis is
	// empty and Report.QIAnalysisComplete false.
	SkipQIAnalysis bool

	// Records asks for Report.Records, the per-record risk table.
	Records bool
	// ShowValues allows subject and QI values in the report (the riskiest
	// classes). Without it the report holds counts and column names only.
	ShowValues bool
	// Workers bounds the goroutines used by counting and the QI analysis
	// (0: GOMAXPROCS).
	Workers int
	// Progress, if non-nil, is called from the calling goroutine as work
	// advances.
	Progress func(Progress)
}

// Progress reports how far Analyze has come.
type Progress struct {
	Stage string // "read", "count", "qi", "population", "suda"
	Done  int64  // units done in this stage (rows, subsets, …)
	Total int64  // units in this stage, or 0 when unknown
}

// withDefaults returns opt with zero fields defaulted, or the error of
// Validate.
func (opt Options) withDefaults() (Options, error) {
	if err := opt.Validate(); err != nil {
		return opt, err
	}
	if opt.K == 0 {
		opt.K = DefaultK
	}
	if opt.RiskThreshold == 0 {
		opt.RiskThreshold = DefaultRiskThreshold
	}
	if opt.L == 0 {
		opt.L = DefaultL
	}
	if opt.QIMaxColumns == 0 {
		opt.QIMaxColumns = DefaultQIMaxColumns
	}
	return opt, nil
}
