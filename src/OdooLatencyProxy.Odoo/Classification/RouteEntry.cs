namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>A compiled route of the catalog.</summary>
internal sealed record RouteEntry(string? HttpMethod, Operation Operation, RouteHandling Handling);
