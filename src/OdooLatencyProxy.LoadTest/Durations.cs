using System.Globalization;

namespace OdooLatencyProxy.LoadTest;

/// <summary>Durations as people write them: <c>250ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1.5s</c>, <c>800us</c>; a bare number is seconds.</summary>
internal static class Durations
{
    public static TimeSpan? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 1e-3),
            _ when text.EndsWith("us", StringComparison.OrdinalIgnoreCase) || text.EndsWith("µs", StringComparison.Ordinal) => (text[..^2], 1e-6),
            _ when text.EndsWith('s') || text.EndsWith('S') => (text[..^1], 1.0),
            _ when text.EndsWith('m') || text.EndsWith('M') => (text[..^1], 60.0),
            _ when text.EndsWith('h') || text.EndsWith('H') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };
        return double.TryParse(number.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value)
            ? TimeSpan.FromSeconds(value * scale)
            : null;
    }

    public static TimeSpan Parse(string? text, string what) =>
        TryParse(text) ?? throw new FormatException($"{what}: '{text}' is not a duration (e.g. 250ms, 30s, 5m)");

    /// <summary>Short human form: <c>850µs</c>, <c>12.3ms</c>, <c>1.25s</c>, <c>2m05s</c>.</summary>
    public static string Format(TimeSpan value) => FormatSeconds(value.TotalSeconds);

    public static string FormatSeconds(double seconds) => seconds switch
    {
        double.NaN => "-",
        < 0.001 => (seconds * 1e6).ToString("0", CultureInfo.InvariantCulture) + "µs",
        < 0.01 => (seconds * 1e3).ToString("0.00", CultureInfo.InvariantCulture) + "ms",
        < 1 => (seconds * 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "ms",
        < 60 => seconds.ToString("0.00", CultureInfo.InvariantCulture) + "s",
        _ => $"{(int)(seconds / 60)}m{seconds % 60:00}s",
    };
}
