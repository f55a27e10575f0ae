package reidrisk

import (
	"encoding/json"
	"fmt"

	"github.com/reidrisk/reidrisk/generalize"
)

// PolicyError reports that a requested policy cannot be met: Suggest found
// no generalisation meeting it (or only ones suppressing every record),
// Temporal found no coarsening meeting it within its budget, or Apply's
// result violates the policy saved in the transform. The report it comes
// from is complete; the command exits 3 on it, in every output format.
type PolicyError struct {
	// Policy names the policy, Reason says what failed.
	Policy, Reason string
}

func (e *PolicyError) Error() string {
	return fmt.Sprintf("reidrisk: policy %s not met: %s", e.Policy, e.Reason)
}

// SuppressionWarningShare is the share of records above which a suppression
// is reported in Warnings: removing more than a tenth of a table changes
// what it says, whatever the metric thinks of it.
const SuppressionWarningShare = 0.1

// suppressionWarning returns the warning for suppressed of rows records, or
// "" when at most SuppressionWarningShare of them are suppressed.
func suppressionWarning(suppressed, rows int64) string {
	if rows == 0 || float64(suppressed) <= SuppressionWarningShare*float64(rows) {
		return ""
	}
	return fmt.Sprintf("%d of %d records (%.1f%%) are suppressed, more than a tenth of the table", suppressed, rows, 100*float64(suppressed)/float64(rows))
}

// Err returns a *PolicyError when no generalisation meets the policy, nil
// otherwise.
func (r *SuggestReport) Err() error {
	if r.Optimum != nil {
		if r.Output != nil {
			return r.Output.Err()
		}
		return nil
	}
	return &PolicyError{Policy: policyText(r.Policy), Reason: "no generalisation meets it, even with every quasi-identifier at its top level (a node that suppresses every record meets no policy)"}
}

// Err returns a *PolicyError when the written table violates the
// transform's policy (PolicyMet is false), nil otherwise.
func (r *ApplyReport) Err() error {
	if r.PolicyMet {
		return nil
	}
	return &PolicyError{Policy: r.policy, Reason: r.unmet}
}

// Err returns a *PolicyError when a policy was given and no coarsening
// within the search budget meets it, nil otherwise.
func (r *TemporalReport) Err() error {
	if r.Suggestion == nil || r.Suggestion.Met {
		return nil
	}
	return &PolicyError{Policy: r.Suggestion.Policy, Reason: fmt.Sprintf("no coarsening within %d trials meets it without singling out more subjects by one habit or by a pair of habits", r.Suggestion.Evaluated)}
}

// Err returns a *PolicyError when local suppression cannot bring every
// record to k matches (the table holds fewer than k records or subjects in
// all), nil otherwise.
func (r *SuppressReport) Err() error {
	if r.KAfter >= r.K {
		return nil
	}
	return &PolicyError{Policy: fmt.Sprintf("{\"k\":%d}", r.K), Reason: fmt.Sprintf("the table holds %d %s in all", r.KAfter, r.KCountedIn)}
}

// policyText writes p as its JSON, e.g. {"k":5,"max_suppression":0.01}.
func policyText(p generalize.Policy) string {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Sprintf("%+v", p)
	}
	return string(b)
}
