using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Forwarding;

namespace OdooLatencyProxy.RequestPath;

/// <summary>
/// The guard stage: Odoo's database manager (<c>/web/database/*</c>: list, create, duplicate, drop, backup, restore,
/// master password) answers 403 on the public listener unless the client is in an allowed network, and every blocked
/// path answers 403 to everyone; before anything is read or a worker taken. Paths are compared as Odoo routes them.
/// </summary>
internal sealed partial class PathProtection(ProxyOptions options, ForwardedHeaders forwarded, ILogger<PathProtection> logger)
{
    /// <summary>The prefix of every database manager route (Odoo 14 to 18).</summary>
    public const string DatabaseManager = "/web/database";

    private readonly AddressRanges _managerAllowed = new(options.AllowDatabaseManager);
    private readonly string[] _blocked = [.. options.BlockedPaths.Select(p => RoutedPath(p).TrimEnd('/'))];

    /// <summary>True when the path is open to this client; otherwise answers 403 and returns false.</summary>
    public async ValueTask<bool> CheckAsync(HttpContext context)
    {
        var path = RoutedPath(context.Request.Path.Value);
        if (IsUnder(path, DatabaseManager) && !(forwarded.ClientAddress(context) is { } client && _managerAllowed.Contains(client)))
        {
            LogBlocked(logger, path, DatabaseManager);
            await ProxyAnswers.TextAsync(context, StatusCodes.Status403Forbidden, "The database manager is closed on this address.\n");
            return false;
        }
        foreach (var blocked in _blocked)
        {
            if (!IsUnder(path, blocked)) continue;
            LogBlocked(logger, path, blocked);
            await ProxyAnswers.TextAsync(context, StatusCodes.Status403Forbidden, "This path is closed.\n");
            return false;
        }
        return true;
    }

    /// <summary>
    /// The path as Odoo's router reads it. Kestrel has decoded every %XX but %2F and removed dot segments; werkzeug also
    /// decodes %2F, and Odoo's routes ignore repeated slashes. What is left encoded is decoded again (a double-encoded
    /// path is closed rather than let through), then empty and dot segments are removed.
    /// </summary>
    internal static string RoutedPath(string? path)
    {
        if (string.IsNullOrEmpty(path)) return "/";
        // Nearly every request: nothing to undo, no allocation.
        if (path[0] == '/' && !path.Contains('%', StringComparison.Ordinal) && !path.Contains("//", StringComparison.Ordinal)
            && !path.Contains("/.", StringComparison.Ordinal))
        {
            return path;
        }

        var decoded = path;
        for (var i = 0; i < 4 && decoded.Contains('%', StringComparison.Ordinal); i++)
        {
            var again = Uri.UnescapeDataString(decoded);
            if (again == decoded) break;
            decoded = again;
        }
        var segments = new List<string>();
        foreach (var segment in decoded.Split('/'))
        {
            if (segment is "" or ".") continue;
            if (segment == "..")
            {
                if (segments.Count > 0) segments.RemoveAt(segments.Count - 1);
                continue;
            }
            segments.Add(segment);
        }
        return "/" + string.Join('/', segments);
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="prefix"/> or below it, whatever the case.</summary>
    internal static bool IsUnder(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && (path.Length == prefix.Length || path[prefix.Length] == '/');

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Request refused before forwarding: 403 {Path} is under the closed path {Prefix}")]
    private static partial void LogBlocked(ILogger logger, string path, string prefix);
}
