using System.Globalization;

namespace OdooLatencyProxy.Configuration;

/// <summary>One Odoo host, written <c>URL</c> or <c>URL;workers=N</c>; parsed once, when the settings are loaded.</summary>
public sealed record UpstreamDestination(Uri Address, int? Workers = null)
{
    private const string WorkersSuffix = ";workers=";

    /// <summary>Parses <c>URL</c> or <c>URL;workers=N</c>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static UpstreamDestination Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        int? workers = null;
        var suffixAt = text.IndexOf(WorkersSuffix, StringComparison.OrdinalIgnoreCase);
        if (suffixAt >= 0)
        {
            var count = text[(suffixAt + WorkersSuffix.Length)..];
            if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                throw new FormatException($"'{count}' in '{value}' is not a worker count (expected URL;workers=N with N >= 0)");
            }
            workers = n;
            text = text[..suffixAt];
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var address)
            || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(address.Host))
        {
            throw new FormatException($"'{value}' is not an http:// or https:// URL");
        }
        if (!string.IsNullOrEmpty(address.Query) || !string.IsNullOrEmpty(address.Fragment))
        {
            throw new FormatException($"'{value}' must not have a query or fragment");
        }
        return new UpstreamDestination(address, workers);
    }

    /// <summary>The destination id YARP, admission and the metrics use: the authority (host:port).</summary>
    public string Id => Address.Authority;

    /// <summary>The setting's own form: <c>URL</c> or <c>URL;workers=N</c>.</summary>
    public override string ToString() => Workers is { } n ? $"{Address};workers={n.ToString(CultureInfo.InvariantCulture)}" : Address.ToString();
}
