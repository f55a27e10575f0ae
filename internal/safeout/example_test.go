package safeout_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/reidrisk/reidrisk/internal/safeout"
)

// A command creates its output before the work, writes it, and commits it
// only on success; the deferred Abort removes the temporary file on every
// other path, leaving the old content in place.
func Example() {
	dir, _ := os.MkdirTemp("", "safeout-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "out.csv")
	os.WriteFile(path, []byte("old\n"), 0o644)

	fail := func() error {
		out, err := safeout.Create(path)
		if err != nil {
			return err
		}
		defer out.Abort()
		fmt.Fprintln(out, "half of the new")
		return fmt.Errorf("the work failed")
	}
	fmt.Println(fail())
	b, _ := os.ReadFile(path)
	fmt.Printf("after the failure: %q\n", b)

	out, _ := safeout.Create(path)
	defer out.Abort()
	fmt.Fprintln(out, "new")
	fmt.Println(out.Commit())
	b, _ = os.ReadFile(path)
	fmt.Printf("after Commit: %q\n", b)
	// Output:
	// the work failed
	// after the failure: "old\n"
	// <nil>
	// after Commit: "new\n"
}
