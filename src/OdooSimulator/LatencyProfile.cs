namespace OdooSimulator;

/// <summary>How long one operation takes inside a worker: log-normal from a median and a 99th percentile, or fixed when both are equal.</summary>
/// <param name="Median">Median service time.</param>
/// <param name="P99">99th percentile service time; equal to <paramref name="Median"/> for a fixed latency.</param>
public sealed record LatencyProfile(TimeSpan Median, TimeSpan P99)
{
    /// <summary>A latency that never varies.</summary>
    public static LatencyProfile Fixed(TimeSpan latency) => new(latency, latency);

    /// <summary>
    /// Defaults from timings of Odoo 17 (warm, loopback: web_save 34 ms, action_confirm 21 ms,
    /// create_invoices 87 ms, action_post 66 ms, login 430 ms cold) and the captured access-log durations.
    /// </summary>
    public static IReadOnlyDictionary<string, LatencyProfile> Defaults { get; } = new Dictionary<string, LatencyProfile>
    {
        [SimOperations.SaleOrderConfirm] = Ms(21, 90),
        [SimOperations.InvoicePost] = Ms(66, 250),
        [SimOperations.InvoiceCreate] = Ms(87, 300),
        [SimOperations.UiRead] = Ms(18, 80),
        [SimOperations.UiWrite] = Ms(34, 140),
        [SimOperations.AuthLogin] = Ms(430, 1200),
        [SimOperations.Static] = Ms(2, 15),
        [SimOperations.Health] = Ms(1, 5),
        [SimOperations.ReportRender] = Ms(900, 4000),
        [SimOperations.QueueJobRun] = Ms(150, 2000),
        [SimOperations.Other] = Ms(15, 90),
    };

    internal void Validate(string operation)
    {
        if (Median < TimeSpan.Zero || P99 < Median)
        {
            throw new ArgumentException($"Latency of '{operation}' needs 0 <= Median <= P99.");
        }
    }

    private static LatencyProfile Ms(double median, double p99) => new(TimeSpan.FromMilliseconds(median), TimeSpan.FromMilliseconds(p99));
}
