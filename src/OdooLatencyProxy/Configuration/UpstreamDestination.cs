using System.Globalization;

namespace OdooLatencyProxy.Configuration;

/// <summary>One Odoo host of a pool: its address and how many workers it runs (0 = not limited).</summary>
public sealed record UpstreamDestination(Uri Address, int Workers)
{
    private const string WorkersSuffix = ";workers=";

    /// <summary>Parses <c>URL</c> or <c>URL;workers=N</c>; <paramref name="setting"/> names the key in errors.</summary>
    public static UpstreamDestination Parse(string value, int defaultWorkers, string setting)
    {
        var text = value.Trim();
        var workers = defaultWorkers;
        var suffixAt = text.IndexOf(WorkersSuffix, StringComparison.OrdinalIgnoreCase);
        if (suffixAt >= 0)
        {
            var count = text[(suffixAt + WorkersSuffix.Length)..];
            if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out workers))
            {
                throw new ConfigurationException(setting, $"'{count}' in '{value}' is not a worker count (expected URL;workers=N with N >= 0)");
            }
            text = text[..suffixAt];
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var address)
            || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(address.Host))
        {
            throw new ConfigurationException(setting, $"'{value}' is not an http:// or https:// URL");
        }
        if (!string.IsNullOrEmpty(address.Query) || !string.IsNullOrEmpty(address.Fragment))
        {
            throw new ConfigurationException(setting, $"'{value}' must not have a query or fragment");
        }
        return new UpstreamDestination(address, workers);
    }
}
