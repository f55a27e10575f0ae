package reidrisk

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Float is a float64 that survives JSON: +Inf and -Inf are written as the
// strings "Infinity" and "-Infinity" and NaN as null, since JSON has no
// such numbers. Finite values are written as ordinary JSON numbers.
type Float float64

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsInf(v, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Infinity"`), nil
	case math.IsNaN(v):
		return []byte(`null`), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler, accepting what MarshalJSON writes.
func (f *Float) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"Infinity"`, `"+Infinity"`:
		*f = Float(math.Inf(1))
		return nil
	case `"-Infinity"`:
		*f = Float(math.Inf(-1))
		return nil
	case `null`, `"NaN"`:
		*f = Float(math.NaN())
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("reidrisk: %s is not a number", b)
	}
	*f = Float(v)
	return nil
}

// String formats f like %g, with "Infinity" for +Inf.
func (f Float) String() string {
	v := float64(f)
	switch {
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// Counts maps an integer (a class size, a k) to a count. It is written to
// JSON as an object whose keys are the integers in ascending numeric order.
type Counts map[int64]int64

// Keys returns the keys in ascending order.
func (m Counts) Keys() []int64 {
	ks := make([]int64, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// MarshalJSON implements json.Marshaler.
func (m Counts) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, k := range m.Keys() {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = strconv.AppendInt(b, k, 10)
		b = append(b, '"', ':')
		b = strconv.AppendInt(b, m[k], 10)
	}
	return append(b, '}'), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (m *Counts) UnmarshalJSON(b []byte) error {
	var raw map[string]int64
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*m = make(Counts, len(raw))
	for k, v := range raw {
		n, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return fmt.Errorf("reidrisk: key %q is not an integer", k)
		}
		(*m)[n] = v
	}
	return nil
}

// NullRule states how Analyze treats missing values. It is repeated in
// every report because ARX, sdcMicro and pyCANON differ.
const NullRule = "null and the empty string are each a value of their own, equal only to themselves " +
	"(as ARX after its NULL substitution; sdcMicro treats NA as matching any value, pyCANON as never equal)"

// Report is the result of Analyze. Its JSON field names are a stable
// contract (snake_case); optional parts are omitted when not computed.
type Report struct {
	Source      string   `json:"source"`
	QI          []string `json:"qi"`
	Sensitive   []string `json:"sensitive,omitempty"`
	Subject     string   `json:"subject,omitempty"` // the column's name, never its values
	Identifiers []string `json:"identifiers,omitempty"`
	NullRule    string   `json:"null_rule"`
	Policy      Policy   `json:"policy"`

	Rows                  int64 `json:"rows"`
	Classes               int64 `json:"classes"`
	K                     int64 `json:"k"`
	SampleUniques         int64 `json:"sample_uniques"`
	SampleUniquesFraction Float `json:"sample_uniques_fraction"`
	// ClassSizeHistogram maps a class size to the number of classes of that size.
	ClassSizeHistogram Counts `json:"class_size_histogram"`
	// RecordsInClassesBelowK maps k to the number of records in classes of
	// fewer than k rows, for k = 2, 3, 5, 10 and Options.K.
	RecordsInClassesBelowK Counts         `json:"records_in_classes_below_k"`
	Prosecutor             ProsecutorRisk `json:"prosecutor"`
	QIAnalysis             []QIScore      `json:"qi_analysis"`
	// QIAnalysisComplete is false when only some subsets of the QIs were
	// scored (more QIs than Options.QIMaxColumns), or none
	// (Options.SkipQIAnalysis).
	QIAnalysisComplete bool `json:"qi_analysis_complete"`

	// With a subject column.
	KSubjects *int64 `json:"k_subjects,omitempty"`
	// ClassSubjectsHistogram maps a number of distinct subjects to the
	// number of classes holding that many (with a subject column).
	ClassSubjectsHistogram   Counts `json:"class_subjects_histogram,omitempty"`
	Subjects                 *int64 `json:"subjects,omitempty"`
	SubjectsSingledOut       *int64 `json:"subjects_singled_out,omitempty"`
	SubjectsInSeveralClasses *int64 `json:"subjects_in_several_classes,omitempty"`

	// With sensitive columns: the worst value over all sensitive columns
	// (smallest l, largest t, β and δ); PerSensitive has each column's
	// figures when there are several.
	LDiversity      *LDiversity       `json:"l_diversity,omitempty"`
	AlphaK          *AlphaK           `json:"alpha_k,omitempty"`
	TCloseness      *TCloseness       `json:"t_closeness,omitempty"`
	BetaLikeness    *BetaLikeness     `json:"beta_likeness,omitempty"`
	DeltaDisclosure *Float            `json:"delta_disclosure,omitempty"`
	PerSensitive    []SensitiveReport `json:"per_sensitive,omitempty"`

	// With a population, weights or a sampling fraction.
	Journalist           *ProsecutorRisk       `json:"journalist,omitempty"`
	Marketer             *Float                `json:"marketer,omitempty"`
	IndividualRisk       *IndividualRisk       `json:"individual_risk,omitempty"`
	PopulationUniqueness *PopulationUniqueness `json:"population_uniqueness,omitempty"`

	SUDA *SUDA `json:"suda,omitempty"`

	// RiskiestClasses lists the smallest classes with their QI values; only
	// with Options.ShowValues.
	RiskiestClasses []ClassExample `json:"riskiest_classes,omitempty"`
	// Warnings say what was skipped or could not be computed.
	Warnings []string `json:"warnings,omitempty"`
	// Provenance: reidrisk_version, generated_at, input_sha256.
	Provenance

	// Records is the per-record risk table (Options.Records); not in JSON.
	Records *Records `json:"-"`
}

// Policy repeats the thresholds the report was computed with and says
// whether the table meets them.
type Policy struct {
	K int `json:"k"`
	// KCountedIn says what the k threshold is checked on: KRows (the
	// smallest class in rows, Report.K) or, with a subject column,
	// KSubjects (the fewest distinct subjects in a class, Report.KSubjects).
	KCountedIn    string   `json:"k_counted_in"`
	RiskThreshold Float    `json:"risk_threshold"`
	L             int      `json:"l"`
	C             *Float   `json:"c,omitempty"`
	T             *Float   `json:"t,omitempty"`
	Satisfied     *bool    `json:"satisfied,omitempty"`
	Failed        []string `json:"failed,omitempty"`
}

// Values of Policy.KCountedIn.
const (
	KRows     = "rows"
	KSubjects = "subjects"
)

// ProsecutorRisk is ARX's prosecutor (or journalist) risk summary:
// highest = 1/min|E|, average = classes/rows, records at risk = fraction of
// records whose risk 1/|E| exceeds the threshold, strictly.
type ProsecutorRisk struct {
	Highest       Float `json:"highest"`
	Average       Float `json:"average"`
	RecordsAtRisk Float `json:"records_at_risk"`
	RiskThreshold Float `json:"risk_threshold"`
}

// QIScore ranks one combination of quasi-identifiers: distinction =
// classes/rows, separation = 1 − Σ C(|E|,2) / C(rows,2). UpperBound
// (upper_bound, present only when true) says the two figures are upper
// bounds, not exact: the analysis did not afford this combination (see
// anonymity.AnalyzeQI); it tells apart at most that share of rows and of
// pairs, and is ranked by those bounds.
type QIScore struct {
	Columns     []string `json:"columns"`
	Distinction Float    `json:"distinction"`
	Separation  Float    `json:"separation"`
	UpperBound  bool     `json:"upper_bound,omitempty"`
}

// LDiversity holds the table-level l-diversity figures (minimum over
// classes): distinct l, entropy l = exp(H) with natural-log entropy, and
// the boundary c of recursive (c,l)-diversity for Policy.L.
type LDiversity struct {
	Distinct   int64 `json:"distinct"`
	Entropy    Float `json:"entropy"`
	RecursiveC Float `json:"recursive_c"`
}

// AlphaK holds the figures of (α,k)-anonymity (Wong et al. 2006): Alpha
// is the largest share of one sensitive value in a class, the maximum
// over classes and sensitive columns (as pyCANON's alpha_k), and K the
// report's k, the smallest class size.
type AlphaK struct {
	Alpha Float `json:"alpha"`
	K     int64 `json:"k"`
}

// TCloseness holds the largest earth mover's distance between a class's
// sensitive distribution and the table's, per ground distance.
type TCloseness struct {
	Equal   Float `json:"equal"`
	Ordered Float `json:"ordered"`
	// OrderedBy says how the values were ordered for Ordered:
	// OrderedNumeric when every value reads as a number, else
	// OrderedLexicographic (by bytes) — for a nominal text column that
	// order is arbitrary and Ordered means little (Li et al. 2007 define
	// it for ordinal and numeric attributes).
	OrderedBy    string `json:"ordered_by"`
	Hierarchical *Float `json:"hierarchical,omitempty"`
}

// Values of TCloseness.OrderedBy.
const (
	OrderedNumeric       = "numeric"
	OrderedLexicographic = "lexicographic"
)

// BetaLikeness holds the largest basic and enhanced β over classes.
type BetaLikeness struct {
	Basic    Float `json:"basic"`
	Enhanced Float `json:"enhanced"`
}

// SensitiveReport holds the figures of one sensitive column.
type SensitiveReport struct {
	Column          string       `json:"column"`
	LDiversity      LDiversity   `json:"l_diversity"`
	TCloseness      TCloseness   `json:"t_closeness"`
	BetaLikeness    BetaLikeness `json:"beta_likeness"`
	DeltaDisclosure Float        `json:"delta_disclosure"`
	// Alpha is the column's α of (α,k)-anonymity (see AlphaK).
	Alpha Float `json:"alpha"`
}

// IndividualRisk is sdcMicro's individual risk summary.
type IndividualRisk struct {
	ExpectedReidentifications Float `json:"expected_reidentifications"`
	GlobalRisk                Float `json:"global_risk"`
}

// PopulationUniqueness is the estimated fraction of population uniques
// and the model that gave it.
type PopulationUniqueness struct {
	Model    string `json:"model"`
	Estimate Float  `json:"estimate"`
}

// SUDA summarises SUDA2: the largest per-record SUDA score, the mean
// DIS-SUDA score and the number of minimal sample uniques of each size.
type SUDA struct {
	MaxScore       Float  `json:"max_score"`
	MeanDIS        Float  `json:"mean_dis"`
	MSUCountBySize Counts `json:"msu_count_by_size"`
	MaxSize        int    `json:"max_size"`
}

// ClassExample is one equivalence class shown with its QI values.
type ClassExample struct {
	Values   map[string]string `json:"values"`
	Size     int64             `json:"size"`
	Subjects int64             `json:"subjects,omitempty"`
}

// Records is the per-record risk table, one entry per input row in input
// order, column-wise.
type Records struct {
	Row             []int64   // 0-based data row index
	Class           []int64   // equivalence class id (order of first row)
	ClassSize       []int64   // rows in the record's class
	SubjectsInClass []int64   // distinct subjects in the class (nil without a subject)
	Prosecutor      []float64 // 1/|E|
	AtRisk          []bool    // Prosecutor > RiskThreshold
	SUDA            []float64 // SUDA score (nil unless computed)
	DIS             []float64 // DIS-SUDA score (nil unless computed)
}
