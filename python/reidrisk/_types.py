"""Typed views of reidrisk's JSON reports.

Each class is a ``TypedDict``: at run time a report is the plain ``dict``
that ``json.loads`` gives (so ``r["k"]`` works as before), and a type
checker knows its fields. Field names are those of the JSON reports
(``schema/analyze-report.schema.json``, ``schema/temporal-report.schema.json``
and ``reidrisk.SuggestReport`` in the Go package); a figure that is
undefined is ``None``, and an infinite one is ``math.inf``. Fields are
declared optional (``total=False``) because a report carries some of them
only when the options that produce them were given.
"""

from typing import Any, Dict, List, Optional, TypedDict


class Policy(TypedDict, total=False):
    """The policy an analysis checked (k, risk threshold, l, c, t) and whether it holds."""
    k: int
    k_counted_in: str
    risk_threshold: Optional[float]
    l: int  # noqa: E741
    c: Optional[float]
    t: Optional[float]
    satisfied: bool
    failed: List[str]


class Risk(TypedDict, total=False):
    """Prosecutor or journalist risk: highest and average per-record risk, share above the threshold."""
    highest: Optional[float]
    average: Optional[float]
    records_at_risk: Optional[float]
    risk_threshold: Optional[float]


class QIAnalysis(TypedDict, total=False):
    """How well one set of QI columns tells records apart (distinction, separation)."""
    columns: List[str]
    distinction: Optional[float]
    separation: Optional[float]


class LDiversity(TypedDict, total=False):
    """Distinct, entropy and recursive (c, l) diversity of a sensitive column."""
    distinct: int
    entropy: Optional[float]
    recursive_c: Optional[float]


class TCloseness(TypedDict, total=False):
    """t-closeness with the equal, ordered and hierarchical ground distances."""
    equal: Optional[float]
    ordered: Optional[float]
    ordered_by: str
    hierarchical: Optional[float]


class IndividualRisk(TypedDict, total=False):
    """sdcMicro's individual risk: expected re-identifications and global risk."""
    expected_reidentifications: Optional[float]
    global_risk: Optional[float]


class Suda(TypedDict, total=False):
    """SUDA: highest score, mean DIS score, MSU counts by size."""
    max_score: Optional[float]
    mean_dis: Optional[float]
    msu_count_by_size: Dict[str, int]
    max_size: int


class AnalyzeReport(TypedDict, total=False):
    """The report of :func:`reidrisk.analyze` (``reidrisk analyze --format json``).

    With ``records=True`` it also holds ``records``: the per-record table.
    """
    source: str
    qi: List[str]
    sensitive: List[str]
    subject: str
    identifiers: List[str]
    null_rule: str
    policy: Policy
    rows: int
    classes: int
    k: int
    sample_uniques: int
    sample_uniques_fraction: Optional[float]
    class_size_histogram: Dict[str, int]
    records_in_classes_below_k: Dict[str, int]
    prosecutor: Risk
    qi_analysis: List[QIAnalysis]
    qi_analysis_complete: bool
    k_subjects: int
    subjects: int
    subjects_singled_out: int
    subjects_in_several_classes: int
    l_diversity: LDiversity
    alpha_k: Dict[str, Any]  # {"alpha": largest share of one sensitive value in a class, "k": k}
    t_closeness: TCloseness
    beta_likeness: Dict[str, Optional[float]]
    delta_disclosure: Optional[float]
    per_sensitive: List[Dict[str, Any]]
    journalist: Risk
    marketer: Optional[float]
    individual_risk: IndividualRisk
    population_uniqueness: Dict[str, Any]
    suda: Suda
    riskiest_classes: List[Dict[str, Any]]
    warnings: List[str]
    records: Any  # a pandas DataFrame, or a dict of column lists without pandas


class Suggestion(TypedDict, total=False):
    """One generalisation of a suggest report: levels per QI and the figures they give."""
    levels: Dict[str, int]
    dm: int
    dm_star: int
    loss: Optional[float]
    precision: Optional[float]
    aecs: Optional[float]
    entropy: Optional[float]
    suppressed: int
    suppressed_classes: int
    classes: int
    highest_risk: Optional[float]
    average_risk: Optional[float]


class SuggestReport(TypedDict, total=False):
    """The report of :func:`reidrisk.suggest` (``reidrisk suggest --format json``)."""
    source: str
    rows: int
    qi: List[str]
    metric: str
    policy: Dict[str, Any]
    hierarchies: List[Dict[str, Any]]
    lattice_size: int
    nodes_evaluated: int
    optimal: bool
    heuristic: bool
    cut_short: bool
    search_ms: float
    t_reference: str
    before: Suggestion
    optimum: Optional[Suggestion]
    alternatives: List[Suggestion]
    output: Dict[str, Any]  # with --out: written, suppressed, policy_met, identifiers_dropped, columns_kept, …
    warnings: List[str]


class TemporalKey(TypedDict, total=False):
    """The habit key of a temporal report: slot width, weekday rule, attributes, time zone."""
    slot_minutes: int
    weekday: str
    duration_bucket: float
    attrs: List[str]
    min_weeks: int
    time_zone: str


class HabitAnonymity(TypedDict, total=False):
    """Shares and counts of subjects whose weekly habits single them out."""
    unique_p1: Optional[float]
    le_2: Optional[float]
    lt_5: Optional[float]
    unique_p2: Optional[float]
    singled_out: int
    le_2_subjects: int
    lt_5_subjects: int
    subjects_with_two_habits: int
    min_anonymity_histogram: Dict[str, int]


class TraceUnicity(TypedDict, total=False):
    """Trace unicity ε_p for one p: eligible and sampled subjects, share unique, Wilson 95% interval."""
    eligible: int
    sampled: int
    fraction_unique: Optional[float]
    ci95: List[Optional[float]]
    expected_fraction_unique_all_subjects: Optional[float]


class TemporalReport(TypedDict, total=False):
    """The report of :func:`reidrisk.temporal` (``reidrisk temporal --format json``)."""
    source: str
    events: int
    skipped_events: int
    key: TemporalKey
    subjects: int
    subjects_with_habits: int
    distinct_habits: int
    habit_anonymity: HabitAnonymity
    trace_unicity: Dict[str, TraceUnicity]
    suggestion: Dict[str, Any]
    identifiers_dropped: List[str]
    columns_kept: List[str]
    warnings: List[str]


class DemoStep(TypedDict, total=False):
    """One step of the demo's story, with the analyze report it rests on."""
    title: str
    story: str
    report: AnalyzeReport


class DemoReport(TypedDict, total=False):
    """The output of :func:`reidrisk.demo` (``reidrisk demo --format json``)."""
    dataset: str
    accounts: int
    sessions: int
    events: int
    seed: int
    steps: List[DemoStep]
    suggest_story: str
    suggest: SuggestReport
    temporal_story: str
    temporal: TemporalReport
