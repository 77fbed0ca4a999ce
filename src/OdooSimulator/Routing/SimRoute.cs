using OdooSimulator.Http;

namespace OdooSimulator.Routing;

/// <summary>One entry of the simulator's route table: the paths and method it takes, and the handler that answers them.</summary>
/// <remarks>
/// A pattern is a path (<c>/jsonrpc</c>), a prefix ending in <c>*</c> (<c>/xmlrpc/*</c>), or a fragment between two
/// <c>*</c> (<c>*/static/*</c>). Odoo's routes are matched in table order, the first match answers.
/// </remarks>
internal sealed class SimRoute
{
    private readonly Func<string, bool>[] _matchers;

    private SimRoute(string[] patterns, bool postOnly, Func<SimRequest, Exchange> handle)
    {
        Patterns = patterns;
        PostOnly = postOnly;
        Handle = handle;
        _matchers = [.. patterns.Select(Matcher)];
    }

    public IReadOnlyList<string> Patterns { get; }

    /// <summary>True for routes Odoo declares with <c>methods=['POST']</c>; other methods fall through to the next route.</summary>
    public bool PostOnly { get; }

    public Func<SimRequest, Exchange> Handle { get; }

    /// <summary>A route that answers any method.</summary>
    public static SimRoute Any(string pattern, Func<SimRequest, Exchange> handle) => new([pattern], postOnly: false, handle);

    /// <inheritdoc cref="Any(string, Func{SimRequest, Exchange})"/>
    public static SimRoute Any(string[] patterns, Func<SimRequest, Exchange> handle) => new(patterns, postOnly: false, handle);

    /// <summary>A route that answers POST only.</summary>
    public static SimRoute Post(string pattern, Func<SimRequest, Exchange> handle) => new([pattern], postOnly: true, handle);

    public bool Matches(SimRequest request) =>
        (!PostOnly || request.Method == "POST") && _matchers.Any(m => m(request.Path));

    private static Func<string, bool> Matcher(string pattern) => pattern switch
    {
        ['*', .. var fragment, '*'] => path => path.Contains(fragment, StringComparison.Ordinal),
        [.. var prefix, '*'] => path => path.StartsWith(prefix, StringComparison.Ordinal),
        _ => path => path == pattern,
    };
}
