namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>One route of Odoo's HTTP surface: HTTP method (null for any), path pattern, operation name and how the name is found.</summary>
/// <remarks>Patterns are segment globs: a literal segment, <c>*</c> for exactly one segment, and a trailing <c>**</c> for zero or more.
/// A literal beats <c>*</c>, which beats <c>**</c>; a route with an HTTP method beats the same pattern without one.</remarks>
public sealed record OdooRoute(string? HttpMethod, string Pattern, string Operation, RouteHandling Handling = RouteHandling.Named);
