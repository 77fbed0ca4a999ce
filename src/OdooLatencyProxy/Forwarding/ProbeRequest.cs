namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// An active health probe of one destination, as <see cref="ProbeRequestFactory"/> builds it. Its own type marks it, so
/// telling a forwarded request from a probe reads no request options (whose dictionary each request would allocate).
/// </summary>
internal sealed class ProbeRequest(Uri uri, string? destination) : HttpRequestMessage(HttpMethod.Get, uri)
{
    /// <summary>The destination id the probe is for; null when the address names no configured upstream.</summary>
    public string? Destination { get; } = destination;

    /// <summary>True once <see cref="AdmittedProbeHandler"/> answered in the probe's place because every worker was busy.</summary>
    public bool Skipped { get; set; }
}
