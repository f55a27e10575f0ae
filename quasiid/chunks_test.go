package quasiid

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEncodeChunksEqualsEncode checks that the chunks, put end to end, are
// the table Encode gives, and that an error from fn stops the read.
func TestEncodeChunksEqualsEncode(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b,s\n")
	for i := 0; i < 2500; i++ {
		b.WriteString([]string{"x", "y", "z"}[i%3] + "," + []string{"1", "2"}[i%2] + ",s" + string(rune('a'+i%7)) + "\n")
	}
	spec := Spec{QI: []string{"a", "b"}, Subject: "s"}
	open := func() *Source {
		src, err := Read("t.csv", strings.NewReader(b.String()), ReadOptions{})
		require.NoError(t, err)
		return src
	}
	want, err := Encode(context.Background(), open(), spec, EncodeOptions{})
	require.NoError(t, err)
	got := make([][]uint32, len(want.Columns))
	var next int64
	tbl, err := EncodeChunks(context.Background(), open(), spec, EncodeOptions{}, func(c *Table, first int64) error {
		require.Equal(t, next, first)
		next += int64(c.Rows)
		for k, col := range c.Columns {
			require.Len(t, col.Codes, c.Rows)
			got[k] = append(got[k], col.Codes...)
		}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, want.Rows, tbl.Rows)
	require.EqualValues(t, 2500, next)
	for k, col := range want.Columns {
		require.Equal(t, col.Codes, got[k], col.Name)
		require.Equal(t, col.Dict.Len(), tbl.Columns[k].Dict.Len(), col.Name)
		require.Nil(t, tbl.Columns[k].Codes)
	}
	stop := errors.New("stop")
	_, err = EncodeChunks(context.Background(), open(), spec, EncodeOptions{}, func(*Table, int64) error { return stop })
	require.ErrorIs(t, err, stop)
}
