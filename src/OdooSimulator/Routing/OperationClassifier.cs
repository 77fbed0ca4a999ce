using OdooLatencyProxy.Odoo.Classification;
using OdooSimulator.Http;

namespace OdooSimulator.Routing;

/// <summary>
/// Names the operation of a request (latency profile, error rate, stats key) with the shared classifier,
/// so the simulator, the proxy and the harness agree on every name.
/// </summary>
internal static class OperationClassifier
{
    private static readonly RequestClassifier Shared = new();

    public static string Classify(SimRequest request) =>
        Shared.Classify(request.Method, request.Path, request.Body.Span, request.Header("Content-Encoding")).Name;
}
