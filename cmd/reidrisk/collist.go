package main

import "strings"

// columnItems splits a comma-separated column list. An item is trimmed of
// surrounding spaces, unless it is written in double quotes: then it is
// taken exactly, commas and spaces included, with "" for a quote
// (`--qi '"a ",b'` names the column "a " and b). ok is false for an
// unterminated quote or text after a closing quote.
func columnItems(s string) (items []string, ok bool) {
	for {
		rest := strings.TrimLeft(s, " \t")
		if strings.HasPrefix(rest, `"`) {
			var b strings.Builder
			i := 1
			for {
				j := strings.IndexByte(rest[i:], '"')
				if j < 0 {
					return nil, false
				}
				b.WriteString(rest[i : i+j])
				i += j + 1
				if i < len(rest) && rest[i] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			items = append(items, b.String())
			rest = strings.TrimLeft(rest[i:], " \t")
			if rest == "" {
				return items, true
			}
			if rest[0] != ',' {
				return nil, false
			}
			s = rest[1:]
			continue
		}
		item, after, more := strings.Cut(s, ",")
		items = append(items, strings.TrimSpace(item))
		if !more {
			return items, true
		}
		s = after
	}
}
