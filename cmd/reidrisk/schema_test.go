package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// This file holds a validator for the subset of JSON Schema (draft
// 2020-12) that schema/*.schema.json use: $ref to local $defs, type,
// properties, required, additionalProperties, propertyNames, items, enum,
// anyOf, minimum, maximum, minItems and pattern. A schema using any other
// keyword is rejected, so the subset cannot silently grow.

type schemaValidator struct {
	root map[string]any
}

var annotations = map[string]bool{"$schema": true, "$id": true, "title": true, "description": true, "$defs": true}

func loadSchema(t *testing.T, path string) *schemaValidator {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(b, &root); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &schemaValidator{root: root}
}

// validate returns every violation of doc (JSON text) against the schema.
func (v *schemaValidator) validate(doc []byte) []string {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		return []string{err.Error()}
	}
	var errs []string
	v.check(v.root, x, "$", &errs)
	return errs
}

func (v *schemaValidator) check(s map[string]any, x any, at string, errs *[]string) {
	fail := func(format string, a ...any) { *errs = append(*errs, at+": "+fmt.Sprintf(format, a...)) }
	for key, val := range s {
		switch key {
		case "$ref":
			ref, _ := val.(string)
			name, ok := strings.CutPrefix(ref, "#/$defs/")
			defs, _ := v.root["$defs"].(map[string]any)
			sub, found := defs[name].(map[string]any)
			if !ok || !found {
				fail("unresolvable $ref %q", ref)
				continue
			}
			v.check(sub, x, at, errs)
		case "type":
			if !hasType(x, val.(string)) {
				fail("want %s, got %s", val, jsonType(x))
			}
		case "properties":
			obj, ok := x.(map[string]any)
			if !ok {
				continue
			}
			for name, sub := range val.(map[string]any) {
				if y, ok := obj[name]; ok {
					v.check(sub.(map[string]any), y, at+"."+name, errs)
				}
			}
		case "required":
			obj, ok := x.(map[string]any)
			if !ok {
				continue
			}
			for _, name := range val.([]any) {
				if _, ok := obj[name.(string)]; !ok {
					fail("missing required field %q", name)
				}
			}
		case "additionalProperties":
			obj, ok := x.(map[string]any)
			if !ok {
				continue
			}
			props, _ := s["properties"].(map[string]any)
			for name, y := range obj {
				if _, ok := props[name]; ok {
					continue
				}
				switch ap := val.(type) {
				case bool:
					if !ap {
						fail("unexpected field %q", name)
					}
				case map[string]any:
					v.check(ap, y, at+"."+name, errs)
				}
			}
		case "propertyNames":
			obj, ok := x.(map[string]any)
			if !ok {
				continue
			}
			for name := range obj {
				v.check(val.(map[string]any), name, at+"["+name+"]", errs)
			}
		case "items":
			arr, ok := x.([]any)
			if !ok {
				continue
			}
			for i, y := range arr {
				v.check(val.(map[string]any), y, fmt.Sprintf("%s[%d]", at, i), errs)
			}
		case "minItems":
			if arr, ok := x.([]any); ok && float64(len(arr)) < val.(float64) {
				fail("want at least %v items, got %d", val, len(arr))
			}
		case "enum":
			if !slices.ContainsFunc(val.([]any), func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(x) && jsonType(e) == jsonType(x) }) {
				fail("%v is not one of %v", x, val)
			}
		case "anyOf":
			ok := false
			for _, sub := range val.([]any) {
				var sink []string
				v.check(sub.(map[string]any), x, at, &sink)
				if len(sink) == 0 {
					ok = true
					break
				}
			}
			if !ok {
				fail("%v matches none of anyOf", x)
			}
		case "minimum", "maximum":
			n, ok := x.(json.Number)
			if !ok {
				continue
			}
			f, _ := n.Float64()
			if key == "minimum" && f < val.(float64) || key == "maximum" && f > val.(float64) {
				fail("%v out of range (%s %v)", n, key, val)
			}
		case "pattern":
			str, ok := x.(string)
			if !ok {
				continue
			}
			if !regexp.MustCompile(val.(string)).MatchString(str) {
				fail("%q does not match %s", str, val)
			}
		default:
			if !annotations[key] {
				fail("schema keyword %q is outside the validator's subset", key)
			}
		}
	}
}

func jsonType(x any) string {
	switch y := x.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case json.Number:
		if _, err := y.Int64(); err == nil {
			return "integer"
		}
		return "number"
	}
	return fmt.Sprintf("%T", x)
}

func hasType(x any, want string) bool {
	got := jsonType(x)
	return got == want || want == "number" && got == "integer"
}

func TestSchemaValidatorRejects(t *testing.T) {
	v := loadSchema(t, "../../schema/analyze-report.schema.json")
	for _, tc := range []struct{ doc, want string }{
		{`{"rows": 1}`, `missing required field "classes"`},
		{`[]`, "want object, got array"},
	} {
		errs := v.validate([]byte(tc.doc))
		if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tc.want) }) {
			t.Errorf("%s: errors %q, want one containing %q", tc.doc, errs, tc.want)
		}
	}
	// A float field accepts numbers, "Infinity" and null, nothing else.
	f := &schemaValidator{root: v.root}
	def := v.root["$defs"].(map[string]any)["float"].(map[string]any)
	for doc, ok := range map[string]bool{`1.5`: true, `"Infinity"`: true, `null`: true, `"inf"`: false, `true`: false} {
		var errs []string
		d := json.NewDecoder(strings.NewReader(doc))
		d.UseNumber()
		var x any
		d.Decode(&x)
		f.check(def, x, "$", &errs)
		if (len(errs) == 0) != ok {
			t.Errorf("float %s: errors %q, want valid=%v", doc, errs, ok)
		}
	}
}
