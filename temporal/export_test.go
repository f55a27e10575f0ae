package temporal

// Names for the external tests on generated logs (generated_test.go,
// digest_test.go): the generator, internal/demo, imports temporal.
var (
	MustAnalyze = analyze
	MapsEqual   = mapsEqual
	PairUnique  = pairUnique
)

// HabitSpace returns the size of the habit key space of ev under g.
func HabitSpace(ev *Events, g Generalization) (uint64, error) {
	k, err := newKeyer(ev, &calendar{}, g, false)
	if err != nil {
		return 0, err
	}
	return k.habitSpace(), nil
}
