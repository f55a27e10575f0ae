package cliflags

import (
	"flag"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SplitList splits the comma-separated value s of flag, trimming spaces
// (a name in double quotes is taken exactly, see columnItems); an empty
// item ("a,,b", "a,") is a usage error, not dropped, and an empty s is an
// empty list.
func SplitList(flag, s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	out, ok := columnItems(s)
	if !ok {
		return nil, Usagef("%s %q: a quoted column name must end with a quote followed by a comma or the end", flag, s)
	}
	for _, p := range out {
		if p == "" {
			return nil, Usagef("%s %q: an empty column name", flag, s)
		}
	}
	return out, nil
}

// columnItems splits a comma-separated column list. An item is trimmed of
// surrounding spaces, unless it is written in double quotes: then it is
// taken exactly, commas and spaces included, with "" for a quote
// (`--qi '"a ",b'` names the column "a " and b). ok is false for an
// unterminated quote or text after a closing quote.
func columnItems(s string) (items []string, ok bool) {
	for {
		rest := strings.TrimLeft(s, " \t")
		if !strings.HasPrefix(rest, `"`) {
			item, after, more := strings.Cut(s, ",")
			items = append(items, strings.TrimSpace(item))
			if !more {
				return items, true
			}
			s = after
			continue
		}
		item, n, ok := quotedItem(rest)
		if !ok {
			return nil, false
		}
		items = append(items, item)
		rest = strings.TrimLeft(rest[n:], " \t")
		if rest == "" {
			return items, true
		}
		if rest[0] != ',' {
			return nil, false
		}
		s = rest[1:]
	}
}

// quotedItem reads the quoted name at the start of s ("" for a quote) and
// returns it with the bytes it takes; ok is false without a closing quote.
func quotedItem(s string) (item string, n int, ok bool) {
	var b strings.Builder
	i := 1
	for {
		j := strings.IndexByte(s[i:], '"')
		if j < 0 {
			return "", 0, false
		}
		b.WriteString(s[i : i+j])
		i += j + 1
		if i < len(s) && s[i] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		return b.String(), i, true
	}
}

// Delimiter turns the --delimiter flag into a rune; "" means detect.
func Delimiter(s string) (rune, error) {
	switch s {
	case "":
		return 0, nil
	case "tab", `\t`, "\t":
		return '\t', nil
	}
	r, n := utf8.DecodeRuneInString(s)
	if n != len(s) || r == utf8.RuneError || r == '"' || r == '\n' || r == '\r' {
		return 0, Usagef("--delimiter %q: want one character (or 'tab')", s)
	}
	return r, nil
}

// Nulls splits --null: texts are data, not names, so they are not trimmed,
// and an empty item (--null NA,) makes the empty field null.
func Nulls(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// Input are the flags of the input table both commands share.
type Input struct {
	Delimiter string // CSV delimiter; "" detects
	Nulls     string // comma-separated CSV texts read as null
	Subject   string // subject (person/account) column
}

// Register adds --delimiter, --null and --subject to fs, their help
// starting with prefix.
func (f *Input) Register(fs *flag.FlagSet, prefix string) {
	fs.StringVar(&f.Delimiter, "delimiter", "", prefix+"CSV field delimiter (one character, or 'tab'); default: detect among , ; tab |")
	fs.StringVar(&f.Nulls, "null", "", prefix+"comma-separated CSV field texts read as null, e.g. NA or NA, (NA and the empty field); without it a CSV has no null and every field is a string")
	fs.StringVar(&f.Subject, "subject", "", prefix+"column naming the person or account each row belongs to")
}

// Columns are --qi and --sensitive.
type Columns struct{ QI, Sensitive string }

// Register adds --qi and --sensitive to fs.
func (f *Columns) Register(fs *flag.FlagSet, prefix string) {
	fs.StringVar(&f.QI, "qi", "", prefix+"quasi-identifier columns, comma-separated (required)")
	fs.StringVar(&f.Sensitive, "sensitive", "", prefix+"sensitive columns, comma-separated (l-diversity, t-closeness, α; analyze: also β-likeness, δ-disclosure)")
}

// Lists splits --qi and --sensitive.
func (f *Columns) Lists() (qi, sensitive []string, err error) {
	return SplitPair("--qi", f.QI, "--sensitive", f.Sensitive)
}

// SplitPair splits the column lists a and b of the flags named flagA and
// flagB (see SplitList).
func SplitPair(flagA, a, flagB, b string) (la, lb []string, err error) {
	if la, err = SplitList(flagA, a); err != nil {
		return nil, nil, err
	}
	if lb, err = SplitList(flagB, b); err != nil {
		return nil, nil, err
	}
	return la, lb, nil
}

// Slot reads --slot: a duration of whole minutes ("30m", "2h") or a
// number of minutes, dividing a day.
func Slot(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n > 0 && 1440%n == 0 {
			return n, nil
		}
		return 0, Usagef("--slot %s: want a width dividing a day (15m, 30m, 60m, 2h, …)", s)
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d%time.Minute != 0 || (24*time.Hour)%d != 0 {
		return 0, Usagef("--slot %q: want a width in whole minutes dividing a day (15m, 30m, 60m, 2h, …)", s)
	}
	return int(d / time.Minute), nil
}
