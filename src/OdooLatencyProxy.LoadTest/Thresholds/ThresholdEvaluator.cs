using OdooLatencyProxy.LoadTest.Results;

namespace OdooLatencyProxy.LoadTest.Thresholds;

/// <summary>Evaluates thresholds against a report.</summary>
internal static class ThresholdEvaluator
{
    public static ThresholdsReport Evaluate(IReadOnlyList<Threshold> thresholds, IReadOnlyList<OperationReport> operations)
    {
        var results = new List<ThresholdResult>();
        foreach (var threshold in thresholds)
        {
            var targets = threshold.Operation == Threshold.AllOperations
                ? operations
                : operations.Where(o => o.Operation == threshold.Operation).ToList();
            if (targets.Count == 0)
            {
                // k6 fails a threshold whose metric never got a value; a rule on an operation the run never sent is a broken test.
                if (threshold.Operation != Threshold.AllOperations)
                {
                    results.Add(new ThresholdResult(threshold.Operation, threshold.Expression, threshold.Limit, null, false, "no requests of this operation"));
                }

                continue;
            }

            foreach (var operation in targets)
            {
                var actual = threshold.Actual(operation);
                results.Add(new ThresholdResult(operation.Operation, threshold.Expression, threshold.Limit, actual, threshold.Passes(actual), null));
            }
        }

        return new ThresholdsReport(results.All(r => r.Passed), results);
    }
}
