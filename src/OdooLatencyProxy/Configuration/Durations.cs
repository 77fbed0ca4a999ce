using System.Globalization;

namespace OdooLatencyProxy.Configuration;

/// <summary>Parses durations written as people write them on a command line: <c>720s</c>, <c>5m</c>, <c>250ms</c>, <c>1h</c>, or <c>00:12:00</c>.</summary>
public static class Durations
{
    /// <summary>Parses <paramref name="text"/>, or returns null when it is not a duration.</summary>
    public static TimeSpan? TryParse(string text)
    {
        text = text.Trim();
        (string unit, double seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (unit, seconds) in units)
        {
            if (text.EndsWith(unit, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^unit.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                && double.IsFinite(n))
            {
                return TimeSpan.FromSeconds(n * seconds);
            }
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) && double.IsFinite(plain))
        {
            return TimeSpan.FromSeconds(plain);
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
    }
}
