// Package temporal measures how well the timing of a person's events singles
// them out: weekly habits and their anonymity, and the trace unicity ε_p of
// de Montjoye et al.; it searches the least coarsening of time, duration and
// attributes that meets a policy.
//
// The input is an event log, one row per event: a subject (person or
// account), an instant, optional attribute codes (media type, device…) and an
// optional duration. [Events] holds it as plain slices; [FromTable] builds it
// from a [quasiid.Table].
//
// Definitions (pinned by the tests):
//
//   - Time. Instants are Unix seconds. Weekday, time of day and weeks are
//     computed in UTC unless a location is given, in which case they are local
//     to it (habits are local). Weeks are ISO 8601 weeks (Monday first; week 1
//     holds the year's first Thursday); the ISO weekday runs 1 = Monday …
//     7 = Sunday; minute of day = 60·hour + minute (seconds ignored);
//     slot = ⌊minute_of_day / slot_minutes⌋.
//   - Event key = (weekday, slot, the values of the chosen attribute columns
//     in order, and ⌊duration / w⌋ when a duration bucket width w is given).
//   - Habit of subject s = an event key that occurs in at least min_weeks
//     distinct ISO weeks of s; several events in one week count once.
//   - Habit anonymity: S(h) = the subjects having habit h;
//     a(s) = min over the habits h of s of |S(h)|. Over the subjects with at
//     least one habit, unique_p1 = share with a(s) = 1, le_2 = share with
//     a(s) ≤ 2, lt_5 = share with a(s) < 5. unique_p2 = among subjects with at
//     least two habits, the share for which some pair of their habits
//     {h, h'} has S(h) ∩ S(h') = {s}. The shares come with the numbers of
//     subjects behind them (singled_out, le_2_subjects, lt_5_subjects):
//     coarsening gives more subjects habits, so a share can fall while more
//     people are singled out. Coarsen never accepts a coarsening that
//     singles out more subjects than the starting key.
//   - Trace unicity ε_p (de Montjoye, Hidalgo, Verleysen, Blondel, "Unique in
//     the Crowd: The privacy bounds of human mobility", Sci. Rep. 3, 1376,
//     2013): a subject's points are its distinct (local calendar day,
//     slot) pairs — in UTC, for a slot width dividing a day, the time
//     buckets ⌊(t − Unix epoch) / slot⌋ relabelled; with a location, slots
//     of the local day — optionally together with the event's attributes. For a seeded random sample of the subjects with at least p
//     points, p of the subject's points are drawn at random; the subject is
//     unique iff it is the only subject whose points contain all p.
//     ε_p = share of unique sampled subjects, reported with a 95 % Wilson
//     score interval. For p = 1 the sampling-free expectation is exact:
//     mean over subjects of (points held by no other subject) / (points).
//
// Subjects are always counted as distinct subjects, never rows.
//
// Coarsening generalises a point to (calendar day, slot) — which for UTC and
// a slot width dividing a day is ⌊t/slot⌋ relabelled — then to (ISO week,
// weekday-or-weekend, slot) and (ISO week, slot). Slot widths run 15, 30,
// 60, 120, 240 minutes, 360 (day parts: night 00–06, morning 06–12,
// afternoon 12–18, evening 18–24) and 1440 (time of day dropped). The safe
// event table (Rewriter) writes each coarsened time as its class's
// representative — the slot start on the ISO week's Monday (weekday, or any
// day) or Saturday (weekend) — so it can be analysed again.
package temporal
