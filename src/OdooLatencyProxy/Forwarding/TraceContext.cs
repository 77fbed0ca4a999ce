using System.Diagnostics;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Transforms;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// The W3C trace context the proxy sends Odoo (<see cref="Configuration.ProxyOptions.PropagateTraceContext"/>): a
/// <c>traceparent</c> of the proxy's own span, the child of the client's when it sent a valid one (same trace, same
/// flags), else the root of a new trace; the client's <c>tracestate</c> goes on with a valid parent only, as the W3C
/// specification asks. Written here rather than taken from a request <c>Activity</c>: ASP.NET Core's hosting layer
/// created one for every request (with a logging scope) only to carry these 55 characters, which cost 1–2 % of the
/// proxy's CPU and 700 bytes per request (docs/benchmarks.md, eighth round).
/// </summary>
internal static class TraceContext
{
    public const string ParentField = "traceparent";
    public const string StateField = "tracestate";

    /// <summary>Whether <paramref name="name"/> is a trace field the proxy writes or drops itself.</summary>
    public static bool IsTraceField(string name) =>
        name.Equals(ParentField, StringComparison.OrdinalIgnoreCase) || name.Equals(StateField, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The <c>traceparent</c> of the proxy's span for a request whose client sent <paramref name="clientParent"/> and
    /// <paramref name="clientState"/>, and the <c>tracestate</c> to send with it (null: none).
    /// </summary>
    public static (string Parent, string? State) ChildOf(StringValues clientParent, StringValues clientState)
    {
        // The library's W3C parser decides what a valid parent is (version, lower-case hex, ids not all zeros).
        if (clientParent.Count == 1 && ActivityContext.TryParse(clientParent[0], null, isRemote: true, out var parent))
        {
            var state = StringValues.IsNullOrEmpty(clientState) ? null : clientState.ToString();
            return (Format(clientParent[0].AsSpan(3, 32), (byte)parent.TraceFlags), state);
        }
        return (Format(default, 0), null);
    }

    /// <summary>The same fields as a YARP request transform, for what YARP's forwarder sends (the gevent port, keep-alive destinations).</summary>
    public static ValueTask ApplyAsync(RequestTransformContext context)
    {
        var client = context.HttpContext.Request.Headers;
        var (parent, state) = ChildOf(client[ParentField], client[StateField]);
        RequestTransform.TakeHeader(context, ParentField);
        RequestTransform.TakeHeader(context, StateField);
        RequestTransform.AddHeader(context, ParentField, parent);
        if (state is not null) RequestTransform.AddHeader(context, StateField, state);
        return ValueTask.CompletedTask;
    }

    // "00-" trace id "-" a new span id "-" flags; a new random trace id when none is given.
    private static string Format(ReadOnlySpan<char> traceId, byte flags)
    {
        Span<char> chars = stackalloc char[55];
        Span<byte> random = stackalloc byte[24];
        Random.Shared.NextBytes(random);
        "00-".CopyTo(chars);
        if (traceId.IsEmpty) Convert.TryToHexStringLower(random[8..], chars[3..35], out _);
        else traceId.CopyTo(chars[3..35]);
        chars[35] = '-';
        Convert.TryToHexStringLower(random[..8], chars[36..52], out _);
        chars[52] = '-';
        flags.TryFormat(chars[53..], out _, "x2");
        return new string(chars);
    }
}
