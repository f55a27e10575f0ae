package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/internal/demo"
	"github.com/stretchr/testify/require"
)

func TestDemo(t *testing.T) {
	code, out, errs := runCLI(t, "", "demo", "--accounts", "300", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res demoResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Accounts != 300 || len(res.Steps) < 3 {
		t.Fatalf("accounts %d, %d steps", res.Accounts, len(res.Steps))
	}
	v := loadSchema(t, "../../schema/analyze-report.schema.json")
	for _, st := range res.Steps {
		b, err := json.Marshal(st.Report)
		if err != nil {
			t.Fatal(err)
		}
		if errs := v.validate(b); len(errs) > 0 {
			t.Errorf("step %q report does not match the schema:\n%s", st.Title, strings.Join(errs, "\n"))
		}
	}
	all, few := res.Steps[0].Report, res.Steps[2].Report
	if all.Rows != int64(res.Sessions) || *all.Subjects != 300 {
		t.Errorf("rows %d subjects %d, want %d and 300", all.Rows, *all.Subjects, res.Sessions)
	}
	// Fewer QIs can only merge classes: fewer uniques, fewer singled out.
	if few.Classes > all.Classes || *few.SubjectsSingledOut > *all.SubjectsSingledOut {
		t.Errorf("three fields: %d classes, %d singled out; all fields: %d, %d",
			few.Classes, *few.SubjectsSingledOut, all.Classes, *all.SubjectsSingledOut)
	}
	if regexp.MustCompile(`acct-\d+`).MatchString(out) {
		t.Error("demo JSON shows account ids")
	}
	// Suggest: k = 5 accounts per class over country, device, hour.
	if res.Suggest == nil || res.Suggest.Optimum == nil || res.Suggest.RowsRescanned != 0 {
		t.Errorf("suggest step: %+v", res.Suggest)
	} else if o := res.Suggest.Optimum; o.Classes > res.Suggest.Before.Classes || o.HighestRisk > 0.2 {
		t.Errorf("suggested: %d classes (before %d), highest risk %v > 1/5", o.Classes, res.Suggest.Before.Classes, o.HighestRisk)
	}
	// Temporal: the planted Monday-20:00 viewer is alone in a habit; the
	// suggested coarsening meets lt_5<=0.
	if tr := res.Temporal; tr == nil || tr.HabitAnonymity.MinAnonymityHistogram["1"] < 1 || tr.Suggestion == nil || !tr.Suggestion.Met {
		t.Errorf("temporal step: %+v", res.Temporal)
	}
	if !strings.Contains(res.TemporalStory, "Monday") || !strings.Contains(res.TemporalStory, "SINGLED OUT") {
		t.Errorf("temporal story:\n%s", res.TemporalStory)
	}
	// --accounts sizes the event log too.
	require.Equal(t, 300, res.Temporal.Subjects, "event log accounts")
	require.Positive(t, res.Events)
	// No planted account, by id or by its number, without --show-values.
	planted := plantedAccounts(t, 300)
	require.NotEmpty(t, planted)
	for _, id := range planted {
		require.NotContains(t, out, id)
	}
	requireNoPlantedNumbers(t, res.TemporalStory)
	code, text, errs := runCLI(t, "", "demo", "--accounts", "300")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"1. Everything in the log", "4. Making the three fields safe", "5. The rhythm", "reidrisk analyze usage.csv"} {
		if !strings.Contains(text, want) {
			t.Errorf("demo text lacks %q:\n%s", want, text)
		}
	}
	if regexp.MustCompile(`acct-\d+`).MatchString(text) {
		t.Error("demo text shows account ids")
	}
	story := text[strings.Index(text, "5. The rhythm"):strings.Index(text, "Try it on")]
	requireNoPlantedNumbers(t, story)
	// --show-values names them.
	code, shown, errs := runCLI(t, "", "demo", "--accounts", "300", "--show-values")
	require.Equal(t, 0, code, errs)
	require.Contains(t, shown, planted[0])
	code, page, errs := runCLI(t, "", "demo", "--accounts", "300", "--format", "html")
	if code != 0 {
		t.Fatalf("html: exit %d: %s", code, errs)
	}
	d := parseHTML(t, page)
	for _, id := range []string{"story", "summary", "class-sizes", "record-risk", "qi-ranking", "suggestion", "suggest-plots", "temporal", "temporal-plots", "temporal-suggestion"} {
		if !d.sections[id] {
			t.Errorf("demo html: no section %q", id)
		}
	}
	for id, f := range d.figures {
		if !f.svg || !f.how {
			t.Errorf("demo html: plot %q drawn %v, how-to-read %v", id, f.svg, f.how)
		}
	}
	if len(d.figures) < 7 {
		t.Errorf("demo html has %d plots, want 7", len(d.figures))
	}
	if regexp.MustCompile(`acct-\d+`).MatchString(page) {
		t.Error("demo html shows account ids")
	}
	// The suggested event key in words, not as flag values.
	require.Regexp(t, `Coarsen the event key to [^<.]*media_type`, page)
	require.NotContains(t, page, "weekday_weekend")
	if code, _, _ := runCLI(t, "", "demo", "some.csv"); code != 2 {
		t.Errorf("demo FILE: exit %d, want 2", code)
	}
	if code, _, _ := runCLI(t, "", "demo", "--accounts", "20"); code != 2 {
		t.Errorf("demo --accounts 20: exit %d, want 2 (the planted groups need 28)", code)
	}
}

// plantedAccounts returns the ids of the accounts planted in the demo's
// event log (seed 1), as demo.GenerateEvents labels them.
func plantedAccounts(t *testing.T, accounts int) []string {
	t.Helper()
	ev, truth, err := demo.GenerateEvents(demo.EventOptions{Seed: 1, Subjects: accounts})
	require.NoError(t, err)
	var ids []string
	for _, h := range truth.Habits {
		for _, s := range h.Subjects {
			ids = append(ids, ev.SubjectLabel(s))
		}
	}
	return ids
}

// requireNoPlantedNumbers checks that the "planted:" lines of a temporal
// story describe each group by its habit and size only: after the dash no
// number is left but the group size and the anonymity a (an account code,
// as the story once printed, would be one).
func requireNoPlantedNumbers(t *testing.T, story string) {
	t.Helper()
	sizes := regexp.MustCompile(`group of \d+ viewers?|\(a = \d+\)|a group of \d+`)
	n := 0
	for _, line := range strings.Split(strings.Join(strings.Fields(story), " "), "planted:")[1:] {
		_, who, ok := strings.Cut(line, "—")
		require.True(t, ok, "planted line without a dash: %q", line)
		who, _, _ = strings.Cut(who, "trace unicity")
		require.NotRegexp(t, `\d`, sizes.ReplaceAllString(who, ""), "planted group named by number: %q", who)
		n++
	}
	require.Equal(t, 4, n, "planted groups in the story")
}

func TestDemoUsage(t *testing.T) {
	code, _, help := runCLI(t, "", "demo", "-h")
	require.Equal(t, 0, code)
	require.Contains(t, help, "-write-csv FILE")
	require.Contains(t, help, "-write-events FILE")
	require.Contains(t, help, "-show-values")
}
