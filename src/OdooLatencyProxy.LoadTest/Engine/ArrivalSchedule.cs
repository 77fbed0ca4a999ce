namespace OdooLatencyProxy.LoadTest.Engine;

/// <summary>
/// Intended send times of an open model (constant or ramping arrival rate), computed from the rate alone and never from
/// when earlier requests finished: that is what keeps coordinated omission out (wrk2, k6 arrival-rate executors).
/// </summary>
internal static class ArrivalSchedule
{
    /// <summary>Offsets from the start, in seconds, of every arrival before <paramref name="duration"/>; after the last stage its rate holds.</summary>
    public static IEnumerable<double> Offsets(double startRate, IReadOnlyList<RateStage> stages, TimeSpan duration)
    {
        var end = duration.TotalSeconds;
        var stageStart = 0.0;
        var rate0 = startRate;
        // Arrivals still owed before the next send; 0 sends the first request at the very start when the rate allows it.
        var need = startRate > 0 ? 0.0 : 1.0;
        var all = stages.Append(new RateStage(TimeSpan.FromSeconds(Math.Max(0, end - stages.Sum(s => s.Duration.TotalSeconds))), stages.Count == 0 ? startRate : stages[^1].Target));
        foreach (var stage in all)
        {
            var length = Math.Min(stage.Duration.TotalSeconds, end - stageStart);
            if (length <= 0)
            {
                if (stageStart >= end) yield break;
                rate0 = stage.Target;
                continue;
            }

            var slope = (stage.Target - rate0) / stage.Duration.TotalSeconds;
            var tau = 0.0;
            while (true)
            {
                var rate = rate0 + slope * tau;
                // Solve rate*d + slope/2*d^2 = need for the time d to the next arrival within this stage.
                double d;
                if (need <= 0)
                {
                    d = 0;
                }
                else if (Math.Abs(slope) < 1e-12)
                {
                    d = rate > 0 ? need / rate : double.PositiveInfinity;
                }
                else
                {
                    var disc = rate * rate + 2 * slope * need;
                    d = disc < 0 ? double.PositiveInfinity : (-rate + Math.Sqrt(disc)) / slope;
                }

                // The epsilon keeps float error from adding an arrival exactly at the end (60 in 3 s at 20/s, not 61).
                if (tau + d >= length - 1e-9 || double.IsNaN(d))
                {
                    // Carry what accumulated in the rest of this stage into the next.
                    var rest = length - tau;
                    need -= rate * rest + slope / 2 * rest * rest;
                    break;
                }

                tau += d;
                yield return stageStart + tau;
                need = 1.0;
            }

            stageStart += length;
            rate0 = stage.Target;
            if (stageStart >= end) yield break;
        }
    }
}
