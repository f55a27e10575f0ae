package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// TestWasm builds the command for GOOS=wasip1 GOARCH=wasm, runs it under
// wazero (a pure-Go WebAssembly runtime) and checks that its JSON equals the
// native run's: nothing in reidrisk needs cgo or a host OS.
//
// Building and compiling the 70 MB module takes minutes on a loaded
// 2-core machine, so the test runs when REIDRISK_WASM=1, as .ci/wasm.sh
// (called by .ci/run) sets it.
func TestWasm(t *testing.T) {
	if os.Getenv("REIDRISK_WASM") != "1" {
		t.Skip("set REIDRISK_WASM=1 to build the wasip1 binary and run it under wazero (.ci/wasm.sh does)")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go toolchain is not on PATH: cannot build the wasip1 binary")
	}
	dir := t.TempDir()
	wasm := filepath.Join(dir, "reidrisk.wasm")
	build := exec.Command(goBin, "build", "-o", wasm, ".")
	build.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=wasip1 GOARCH=wasm go build: %v\n%s", err, out)
	}
	bin, err := os.ReadFile(wasm)
	if err != nil {
		t.Fatal(err)
	}
	const data = "id,age,zip,sex,diagnosis\n" +
		"1,30,13053,F,flu\n2,30,13053,F,cold\n3,31,13068,M,flu\n4,45,14850,M,cancer\n" +
		"5,45,14850,M,cancer\n6,45,14853,F,flu\n7,52,13053,F,cold\n8,52,13053,F,cold\n"
	if err := os.WriteFile(filepath.Join(dir, "small.csv"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"analyze", "-", "--qi", "age,zip,sex", "--sensitive", "diagnosis", "--subject", "id", "--k", "2", "--format", "json"}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(os.TempDir(), "reidrisk-wazero-cache"))
	if err != nil {
		t.Fatal(err)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache))
	defer rt.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	mod, err := rt.CompileModule(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	runWasm := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		cfg := wazero.NewModuleConfig().
			WithArgs(append([]string{"reidrisk"}, args...)...).
			WithStdin(strings.NewReader(stdin)).WithStdout(&out).WithStderr(&errb).
			WithFSConfig(wazero.NewFSConfig().WithReadOnlyDirMount(dir, "/data")).
			WithName("")
		m, err := rt.InstantiateModule(ctx, mod, cfg)
		code := 0
		var exit *sys.ExitError
		switch {
		case errors.As(err, &exit):
			code = int(exit.ExitCode())
		case err != nil:
			t.Fatalf("wasm %q: %v", args, err)
		default:
			m.Close(ctx)
		}
		return code, out.String(), errb.String()
	}

	// Standard input: the two outputs must be byte for byte the same.
	nCode, nOut, nErr := runCLI(t, data, args...)
	wCode, wOut, wErr := runWasm(data, args...)
	if nCode != 0 || wCode != 0 {
		t.Fatalf("exit native %d (%s), wasm %d (%s)", nCode, nErr, wCode, wErr)
	}
	// The report's generated_at is the clock of each run (wazero gives the
	// module a fixed one): every other byte must be the same.
	stamp := regexp.MustCompile(`"generated_at": "[^"]*"`)
	if n, w := stamp.ReplaceAllString(nOut, ""), stamp.ReplaceAllString(wOut, ""); n != w || n == nOut {
		t.Errorf("wasm JSON differs from native (generated_at aside):\nnative %s\nwasm   %s", nOut, wOut)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(wOut), &r); err != nil || r["rows"] != 8.0 {
		t.Errorf("wasm report rows %v (%v)", r["rows"], err)
	}

	// A file through the WASI file system: equal but for the source name.
	_, wFile, wErr := runWasm("", "analyze", "/data/small.csv", "--qi", "age,zip,sex", "--format", "json")
	_, nFile, _ := runCLI(t, "", "analyze", filepath.Join(dir, "small.csv"), "--qi", "age,zip,sex", "--format", "json")
	var a, b map[string]any
	if err := json.Unmarshal([]byte(wFile), &a); err != nil {
		t.Fatalf("wasm file run: %v, stderr %s", err, wErr)
	}
	json.Unmarshal([]byte(nFile), &b)
	for _, k := range []string{"source", "generated_at"} {
		delete(a, k)
		delete(b, k)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("wasm file JSON differs:\nnative %s\nwasm   %s", nFile, wFile)
	}

	// Bad input keeps its exit status and message under wasm.
	code, _, errs := runWasm("a,b\n1,2\n", "analyze", "-", "--qi", "nope")
	if code != 1 || !strings.Contains(errs, `"nope"`) {
		t.Errorf("unknown column under wasm: exit %d, stderr %q", code, errs)
	}
}
