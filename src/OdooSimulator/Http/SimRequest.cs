namespace OdooSimulator.Http;

/// <summary>One HTTP request as a worker read it off the socket, body included (or only counted when not needed).</summary>
internal sealed class SimRequest
{
    public required string Method { get; init; }

    /// <summary>Path without the query string, as sent (not percent-decoded).</summary>
    public required string Path { get; init; }

    /// <summary>Raw query string without the leading '?', or empty.</summary>
    public required string Query { get; init; }

    public required string Version { get; init; }

    /// <summary>Headers in arrival order, duplicates kept.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }

    /// <summary>The body when it was kept; empty when there was none or when it was only drained.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Decoded body length (after de-chunking), whether kept or drained.</summary>
    public required long BodyLength { get; init; }

    public string? Header(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The value of one cookie, without logging or keeping the rest of the Cookie header.</summary>
    public string? Cookie(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (!string.Equals(key, "Cookie", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var part in value.Split(';'))
            {
                var pair = part.Trim();
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && pair.AsSpan(0, eq).Equals(name, StringComparison.Ordinal))
                {
                    return pair[(eq + 1)..];
                }
            }
        }

        return null;
    }

    public string? QueryValue(string name)
    {
        foreach (var part in Query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? part : part[..eq];
            if (Uri.UnescapeDataString(key.Replace('+', ' ')) == name)
            {
                return eq < 0 ? string.Empty : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            }
        }

        return null;
    }
}
