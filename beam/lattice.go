package beam

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/generalize"
)

func init() {
	register.DoFn4x1[context.Context, int, []byte, func([]byte), error](&writeShardFn{})
	register.Function2x0[[]byte, func(int, []byte)](keyZeroBytes)
	register.DoFn3x1[context.Context, int, func(*[]byte) bool, error](&writeListFn{})
	register.DoFn3x1[context.Context, string, func(string, []byte), error](&rollFn{})
	register.DoFn3x1[string, []byte, func([]byte), error](&evalNodeFn{})
	register.Emitter2[string, []byte]()
}

// DefaultMaxClasses is the largest finest class table Suggest searches on
// the driver when SuggestOptions.MaxClasses is 0: 16 Mi classes, a few
// GB for the search's tables and caches.
const DefaultMaxClasses = 1 << 24

// SuggestOptions control Suggest.
type SuggestOptions struct {
	// Hierarchies holds one hierarchy per quasi-identifier, matched by
	// column name.
	Hierarchies []*generalize.Hierarchy
	// Policy is what the chosen node must meet.
	Policy generalize.Policy
	// Search holds the metric and the options of generalize.Search. On
	// Beam the search refuses lattices of more than MaxOptimalNodes nodes
	// (0: 100,000): its heuristic would take one pipeline per node.
	Search generalize.Options
	// MaxClasses is the largest finest class table searched on the
	// driver with generalize.Search; a larger one is searched with its
	// nodes evaluated on Beam. 0 means DefaultMaxClasses; negative always
	// evaluates on Beam.
	MaxClasses int64
	// Shards is the number of shards the finest class table is written
	// in; 0 means DefaultShards.
	Shards int
	// TempDir is a directory (local path or URL, such as gs://…) that
	// the workers and the driver can both read and write; the finest
	// table's shards and each level's results are written under it and
	// removed at the end. Required.
	TempDir string
	// Run runs one pipeline; nil means beamx.Run (the runner named by
	// the --runner flag).
	Run func(context.Context, *beam.Pipeline) error
}

// Suggestion is the outcome of Suggest.
type Suggestion struct {
	// Result is the search's result. On the local path it is
	// generalize.Search's own; on Beam generalize.SearchWith's, with
	// ClassesRolledUp the finest classes read by the roll-ups and Before
	// not computed.
	Result *generalize.Result
	// Local reports whether the finest table was searched on the driver.
	Local bool
	// Classes and Bytes are the size of the finest class table: its
	// classes, and the bytes of its shards serialised with
	// (*anonymity.Classes).MarshalBinary.
	Classes, Bytes int64
	// Pipelines counts the pipelines run: the first counts and shards the
	// table, each further one evaluates one batch of lattice nodes.
	Pipelines int
	// Evaluated[h] is the number of nodes of height h (Σ levels)
	// evaluated on Beam (not on the local path).
	Evaluated []int
	// Feasible counts the nodes found feasible, evaluated or implied by
	// monotonicity (Result.FeasibleFound; not on the local path). With
	// pruning it may miss feasible nodes that cannot be the optimum.
	Feasible int
}

// Suggest finds the generalisation of a table's quasi-identifiers that
// generalize.Search finds, on a table too large for one machine. count
// adds to a pipeline the partial class tables of the table (CountRows,
// CountFiles or CountStreams, with the QIs in the order of the search and
// the subject and sensitive columns the policy reads).
//
// A first pipeline shards the finest class table by value (ShardClasses)
// into files under opt.TempDir and returns its size and its per-QI
// marginals. When the table has at most opt.MaxClasses classes, the driver
// merges the shards and runs generalize.Search on them (Suggestion.Local).
// Otherwise the driver runs generalize's one search (generalize.SearchWith)
// with an evaluator backed by pipelines: each batch of nodes the search
// asks for is one pipeline, which rolls every shard up to each node
// (generalize.NodeEvaluator.RollUp), merges the rolled tables of each node
// by value (anonymity.Merge) and evaluates the node on a worker
// (NodeEvaluator.Evaluate); only the nodes' figures return to the driver.
// The search's order, pruning and tie-breaking are Search's own; its
// binary searches on Flash's paths go in batches of the paths starting at
// one height. Each node's class table must fit in one worker's memory.
func Suggest(ctx context.Context, count func(s beam.Scope) beam.PCollection, opt SuggestOptions) (*Suggestion, error) {
	if opt.TempDir == "" {
		return nil, fmt.Errorf("reidrisk/beam: Suggest needs a TempDir")
	}
	if opt.Run == nil {
		opt.Run = beamx.Run
	}
	dir, err := runDir(opt.TempDir)
	if err != nil {
		return nil, err
	}
	var written []string
	defer func() { removeDir(context.WithoutCancel(ctx), dir, written) }()
	f, err := countFinest(ctx, count, opt, dir, &written)
	if err != nil {
		return nil, err
	}
	sg := &Suggestion{Pipelines: 1, Classes: f.classes, Bytes: f.bytes}
	limit := opt.MaxClasses
	if limit == 0 {
		limit = DefaultMaxClasses
	}
	if sg.Classes <= limit {
		sg.Local = true
		parts := make([]*anonymity.Classes, len(f.paths))
		for i, path := range f.paths {
			if parts[i], err = readClasses(ctx, path); err != nil {
				return nil, err
			}
		}
		c, err := mergeAll(parts)
		if err != nil {
			return nil, err
		}
		sg.Result, err = generalize.Search(ctx, c, opt.Hierarchies, opt.Policy, opt.Search)
		return sg, err
	}
	ev, err := newPipelineEvaluator(f, opt, dir, sg, &written)
	if err != nil {
		return nil, err
	}
	if sg.Result, err = generalize.SearchWith(ctx, ev, opt.Policy, opt.Search); err != nil {
		return nil, err
	}
	sg.Result.ClassesRolledUp = sg.Classes * int64(sg.Result.NodesEvaluated)
	sg.Feasible = sg.Result.FeasibleFound
	return sg, nil
}

// finest is the finest class table, written in shards.
type finest struct {
	paths          []string             // the shards, sorted
	classes, bytes int64                // its size
	marginals      []*anonymity.Classes // its class table over each QI alone
}

// countFinest runs the first pipeline: it writes the finest class table in
// shards under dir and reads back their index.
func countFinest(ctx context.Context, count func(s beam.Scope) beam.PCollection, opt SuggestOptions, dir string, written *[]string) (*finest, error) {
	shards := opt.Shards
	if shards <= 0 {
		shards = DefaultShards
	}
	index := dir + "/finest-index"
	p, s := beam.NewPipelineWithRoot()
	info := beam.ParDo(s, &writeShardFn{Dir: dir}, ShardClasses(s, count(s), shards))
	collect(s, info, index)
	if err := opt.Run(ctx, p); err != nil {
		return nil, fmt.Errorf("reidrisk/beam: counting the finest class table: %w", err)
	}
	blobs, err := readList(ctx, index)
	*written = append(*written, index)
	if err != nil {
		return nil, err
	}
	f := &finest{}
	var margs [][]*anonymity.Classes // per shard, per QI
	for _, b := range blobs {
		var si shardInfo
		if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&si); err != nil {
			return nil, fmt.Errorf("reidrisk/beam: reading the shard index: %w", err)
		}
		f.paths = append(f.paths, si.Path)
		*written = append(*written, si.Path)
		f.classes += si.Classes
		f.bytes += si.Bytes
		ms, err := decodeAll(si.Marginals)
		if err != nil {
			return nil, err
		}
		margs = append(margs, ms)
	}
	if len(f.paths) == 0 || f.classes == 0 {
		return nil, fmt.Errorf("reidrisk/beam: the table has no rows")
	}
	sort.Strings(f.paths)
	f.marginals = make([]*anonymity.Classes, len(margs[0]))
	for j := range f.marginals {
		var ms []*anonymity.Classes
		for _, m := range margs {
			ms = append(ms, m[j])
		}
		if f.marginals[j], err = mergeAll(ms); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// latticeSpec is what the workers need to roll up and evaluate nodes; it
// travels inside the DoFns, so it holds plain values only.
type latticeSpec struct {
	Hierarchies []hierarchyRows
	Policy      generalize.Policy
	// Marginals holds the input's class table over each QI alone
	// (MarshalBinary), in QI order.
	Marginals [][]byte
}

type hierarchyRows struct {
	Column, Source string
	Rows           [][]string
}

func (sp *latticeSpec) evaluator() (*generalize.NodeEvaluator, error) {
	var hs []*generalize.Hierarchy
	for _, h := range sp.Hierarchies {
		g, err := generalize.NewHierarchy(h.Column, h.Source, h.Rows)
		if err != nil {
			return nil, err
		}
		hs = append(hs, g)
	}
	ms, err := decodeAll(sp.Marginals)
	if err != nil {
		return nil, err
	}
	return generalize.NewNodeEvaluator(ms, hs, sp.Policy)
}

// decodeAll decodes class tables (Decode).
func decodeAll(bs [][]byte) ([]*anonymity.Classes, error) {
	out := make([]*anonymity.Classes, len(bs))
	for i, b := range bs {
		var err error
		if out[i], err = Decode(b); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// nodeKey writes levels as "1,3,0".
func nodeKey(levels []int) string {
	parts := make([]string, len(levels))
	for j, l := range levels {
		parts[j] = strconv.Itoa(l)
	}
	return strings.Join(parts, ",")
}

func parseNodeKey(k string) ([]int, error) {
	var levels []int
	for _, f := range strings.Split(k, ",") {
		l, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("reidrisk/beam: bad node key %q", k)
		}
		levels = append(levels, l)
	}
	return levels, nil
}

// rollFn reads a shard of the finest table and rolls it up to each node.
type rollFn struct {
	Spec  latticeSpec
	Nodes [][]int
	ev    *generalize.NodeEvaluator
}

func (f *rollFn) Setup() (err error) {
	f.ev, err = f.Spec.evaluator()
	return err
}

func (f *rollFn) ProcessElement(ctx context.Context, path string, emit func(string, []byte)) error {
	c, err := readClasses(ctx, path)
	if err != nil {
		return err
	}
	for _, levels := range f.Nodes {
		r, err := f.ev.RollUp(c, levels)
		if err != nil {
			return err
		}
		b, err := r.MarshalBinary()
		if err != nil {
			return err
		}
		emit(nodeKey(levels), b)
	}
	return nil
}

// evalNodeFn evaluates one node from its merged class table.
type evalNodeFn struct {
	Spec latticeSpec
	ev   *generalize.NodeEvaluator
}

func (f *evalNodeFn) Setup() (err error) {
	f.ev, err = f.Spec.evaluator()
	return err
}

func (f *evalNodeFn) ProcessElement(key string, table []byte, emit func([]byte)) error {
	levels, err := parseNodeKey(key)
	if err != nil {
		return err
	}
	c, err := Decode(table)
	if err != nil {
		return err
	}
	n, err := f.ev.Evaluate(c, levels)
	if err != nil {
		return err
	}
	return emitGob(n, emit)
}

// emitGob emits v encoded with gob.
func emitGob(v any, emit func([]byte)) error {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(v); err != nil {
		return err
	}
	emit(b.Bytes())
	return nil
}

// shardInfo describes one written shard of the finest table.
type shardInfo struct {
	Path           string
	Classes, Bytes int64
	// Marginals holds the shard's class table over each QI alone.
	Marginals [][]byte
}

// writeShardFn writes a shard of classes to a file and emits its
// shardInfo.
type writeShardFn struct{ Dir string }

func (f *writeShardFn) ProcessElement(ctx context.Context, shard int, table []byte, emit func([]byte)) error {
	c, err := Decode(table)
	if err != nil {
		return err
	}
	si := shardInfo{Path: fmt.Sprintf("%s/shard-%05d", f.Dir, shard), Classes: int64(c.Len()), Bytes: int64(len(table))}
	for j := range c.QI {
		m, err := c.Project([]int{j})
		if err != nil {
			return err
		}
		b, err := m.MarshalBinary()
		if err != nil {
			return err
		}
		si.Marginals = append(si.Marginals, b)
	}
	if err := writeFile(ctx, si.Path, table); err != nil {
		return err
	}
	return emitGob(si, emit)
}

func keyZeroBytes(b []byte, emit func(int, []byte)) { emit(0, b) }

// writeListFn writes every non-empty element of its group to one file,
// as a gob [][]byte.
type writeListFn struct{ Path string }

func (f *writeListFn) ProcessElement(ctx context.Context, _ int, elems func(*[]byte) bool) error {
	all := [][]byte{}
	var b []byte
	for elems(&b) {
		if len(b) > 0 {
			all = append(all, slices.Clone(b))
		}
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(all); err != nil {
		return err
	}
	return writeFile(ctx, f.Path, buf.Bytes())
}

// collect writes the non-empty elements of col ([]byte) to path as one
// list, an empty list when there are none: an impulse's empty element
// keeps the group, and so the file, when col is empty.
func collect(s beam.Scope, col beam.PCollection, path string) {
	s = s.Scope("reidrisk.collect")
	all := beam.Flatten(s, col, beam.Impulse(s))
	beam.ParDo0(s, &writeListFn{Path: path}, beam.GroupByKey(s, beam.ParDo(s, keyZeroBytes, all)))
}

// readList reads a list written by collect.
func readList(ctx context.Context, path string) ([][]byte, error) {
	b, err := readFile(ctx, path)
	if err != nil {
		return nil, err
	}
	var all [][]byte
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&all); err != nil {
		return nil, fmt.Errorf("reidrisk/beam: %s: %w", path, err)
	}
	return all, nil
}

func readClasses(ctx context.Context, path string) (*anonymity.Classes, error) {
	b, err := readFile(ctx, path)
	if err != nil {
		return nil, err
	}
	c, err := Decode(b)
	if err != nil {
		return nil, fmt.Errorf("reidrisk/beam: %s: %w", path, err)
	}
	return c, nil
}

// readFile reads a file through Beam's filesystems.
func readFile(ctx context.Context, path string) (b []byte, err error) {
	err = onFS(ctx, path, func(fs filesystem.Interface) error {
		r, err := fs.OpenRead(ctx, path)
		if err != nil {
			return err
		}
		defer r.Close()
		b, err = io.ReadAll(r)
		return err
	})
	return b, err
}

// writeFile writes a file through Beam's filesystems.
func writeFile(ctx context.Context, path string, b []byte) error {
	return onFS(ctx, path, func(fs filesystem.Interface) error {
		w, err := fs.OpenWrite(ctx, path)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

// onFS runs f on the filesystem of path; an error names the path.
func onFS(ctx context.Context, path string, f func(fs filesystem.Interface) error) error {
	fs, err := filesystem.New(ctx, path)
	if err == nil {
		err = f(fs)
		fs.Close()
	}
	if err != nil {
		return fmt.Errorf("reidrisk/beam: %s: %w", path, err)
	}
	return nil
}

// runDir returns a fresh directory name under tmp for one Suggest call.
func runDir(tmp string) (string, error) {
	var r [8]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", err
	}
	return strings.TrimSuffix(tmp, "/") + "/reidrisk-lattice-" + hex.EncodeToString(r[:]), nil
}

// removeAll removes the files Suggest wrote, where the filesystem can.
func removeAll(ctx context.Context, paths []string) {
	for _, p := range paths {
		fs, err := filesystem.New(ctx, p)
		if err != nil {
			continue
		}
		if rm, ok := fs.(filesystem.Remover); ok {
			rm.Remove(ctx, p)
		}
		fs.Close()
	}
}

// removeDir removes what Suggest left in its directory dir (the files in
// written, and any other, such as the shards of a pipeline that failed)
// and then dir itself, where the filesystem can (a local directory is
// removed once empty; object stores have none).
func removeDir(ctx context.Context, dir string, written []string) {
	removeAll(ctx, written)
	if fs, err := filesystem.New(ctx, dir); err == nil {
		left, err := fs.List(ctx, dir+"/*")
		fs.Close()
		if err == nil {
			removeAll(ctx, left)
		}
	}
	removeAll(ctx, []string{dir})
}
