namespace OdooLatencyProxy.Telemetry;

/// <summary>A request path as the admin lists show it (in-flight, slow requests): never a query string, cut to a readable length.</summary>
internal static class ListedPath
{
    // Paths can be long (file names); the lists are for people.
    private const int MaxLength = 200;

    /// <summary>The path (already without its query string), or <c>/</c>, cut to 200 characters.</summary>
    public static string Of(string? path)
    {
        path ??= "/";
        return path.Length > MaxLength ? path[..MaxLength] + "…" : path;
    }
}
