// Package notebook checks the GoNB notebook beside it: every Go cell must
// compile as the program GoNB would build from it.
package notebook

import (
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// cell is one code cell of the notebook, split as GoNB splits it:
// declarations (imports, functions, types) before the "%%" line, and the
// body of main after it.
type cell struct {
	index   int
	imports []string // import paths
	decls   string   // declarations without the import declarations
	body    string   // statements of main; "" when the cell has no %%
}

// readCells returns the Go code cells of the notebook, skipping cells
// made only of GoNB commands (%env, !shell, %goworkfix).
func readCells(t *testing.T, file string) []cell {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			CellType string   `json:"cell_type"`
			Source   []string `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var cells []cell
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		var code []string
		for _, line := range strings.Split(strings.Join(c.Source, ""), "\n") {
			if strings.HasPrefix(line, "!") || (strings.HasPrefix(line, "%") && line != "%%") {
				continue // shell or GoNB command
			}
			code = append(code, line)
		}
		src := strings.Join(code, "\n")
		if strings.TrimSpace(src) == "" {
			continue
		}
		decls, body, _ := strings.Cut(src, "\n%%\n")
		if strings.HasPrefix(src, "%%\n") {
			decls, body = "", strings.TrimPrefix(src, "%%\n")
		}
		imports, rest := splitImports(t, i, decls)
		cells = append(cells, cell{index: i, imports: imports, decls: rest, body: body})
	}
	return cells
}

// splitImports separates a cell's import declarations from its other
// declarations.
func splitImports(t *testing.T, index int, decls string) ([]string, string) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell.go", "package main\n"+decls, parser.ImportsOnly)
	if err != nil {
		t.Fatalf("cell %d: %v", index, err)
	}
	var paths []string
	end := 0
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		paths = append(paths, p)
	}
	if len(f.Decls) > 0 {
		end = fset.Position(f.Decls[len(f.Decls)-1].End()).Offset - len("package main\n")
	}
	return paths, decls[end:]
}

// program builds the file GoNB compiles for cell i: the declarations of
// every cell up to i, the imports they use (GoNB drops unused ones with
// goimports; here an import is kept when its package name is referenced),
// and cell i's body as main.
func program(cells []cell, i int) string {
	var decls strings.Builder
	var imports []string
	for _, c := range cells[:i+1] {
		decls.WriteString(c.decls + "\n")
		for _, p := range c.imports {
			if !slices.Contains(imports, p) {
				imports = append(imports, p)
			}
		}
	}
	code := decls.String() + "\nfunc main() {\n" + cells[i].body + "\n}\n"
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n")
	for _, p := range imports {
		if regexp.MustCompile(`\b` + path.Base(p) + `\.`).MatchString(code) {
			fmt.Fprintf(&b, "\t%q\n", p)
		}
	}
	b.WriteString(")\n\n" + code)
	return b.String()
}

// TestNotebookCellsCompile writes each Go cell of media_server.ipynb as a
// program inside this module and type-checks them all with go vet. Cells
// that import packages outside the module and the standard library (GoNB's
// own gonbui) are left out.
func TestNotebookCellsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the notebook's cells with the go tool")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	cells := readCells(t, "media_server.ipynb")
	if len(cells) < 4 {
		t.Fatalf("%d Go cells, want at least 4", len(cells))
	}
	// A directory starting with "_" is ignored by ./... patterns, so other
	// builds of the module never see these programs.
	dir, err := os.MkdirTemp(".", "_cells")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var pkgs []string
	for i, c := range cells {
		if slices.ContainsFunc(c.imports, func(p string) bool {
			return strings.Contains(p, ".") && !strings.HasPrefix(p, "github.com/reidrisk/reidrisk")
		}) {
			t.Logf("cell %d imports a package outside the module (%v): not compiled", c.index, c.imports)
			continue
		}
		if c.body == "" {
			continue
		}
		d := filepath.Join(dir, fmt.Sprintf("cell%d", c.index))
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "main.go"), []byte(program(cells, i)), 0o644); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, "./"+filepath.ToSlash(d))
	}
	if len(pkgs) < 4 {
		t.Fatalf("%d cells to compile, want at least 4", len(pkgs))
	}
	out, err := exec.Command(goTool, append([]string{"vet"}, pkgs...)...).CombinedOutput()
	if err != nil {
		t.Errorf("notebook cells do not compile: %v\n%s", err, out)
		for _, p := range pkgs {
			b, _ := os.ReadFile(filepath.Join(p, "main.go"))
			t.Logf("%s:\n%s", p, b)
		}
	}
}
