using System.Globalization;

namespace OdooLatencyProxy.LoadTest;

/// <summary>Durations read with the proxy's one parser (<see cref="Configuration.Durations"/>), and written short for reports.</summary>
internal static class Durations
{
    public static TimeSpan? TryParse(string? text) => Configuration.Durations.TryParse(text);

    public static TimeSpan Parse(string? text, string what) => Configuration.Durations.Parse(text, what);

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
