using System.Globalization;

namespace OdooLatencyProxy.Configuration;

/// <summary>
/// The one duration parser of the proxy and the load-test harness: <c>800us</c> (or <c>µs</c>), <c>250ms</c>,
/// <c>720s</c>, <c>5m</c>, <c>1h</c>, a bare number of seconds, or <c>00:12:00</c>. A duration is never negative.
/// </summary>
public static class Durations
{
    // Longest suffix first: "ms" and "us" before "s", "m" after "ms".
    private static readonly (string Unit, double Seconds)[] Units = [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("s", 1), ("m", 60), ("h", 3600)];

    /// <summary>Parses <paramref name="text"/>, or returns null when it is not a duration.</summary>
    public static TimeSpan? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero ? span : null;
        }
        var (number, scale) = (text, 1.0);
        foreach (var (unit, seconds) in Units)
        {
            if (text.EndsWith(unit, StringComparison.OrdinalIgnoreCase))
            {
                (number, scale) = (text[..^unit.Length], seconds);
                break;
            }
        }
        return double.TryParse(number.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0 && n * scale <= TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromTicks((long)Math.Round(n * scale * TimeSpan.TicksPerSecond))
            : null;
    }

    /// <summary>Parses <paramref name="text"/>; <paramref name="what"/> names the setting in the error.</summary>
    public static TimeSpan Parse(string? text, string what) =>
        TryParse(text) ?? throw new FormatException($"{what}: '{text}' is not a duration (e.g. 250ms, 30s, 5m, 00:12:00)");
}
