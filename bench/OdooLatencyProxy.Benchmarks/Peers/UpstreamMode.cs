namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>How the Odoo-like upstream treats connections.</summary>
internal enum UpstreamMode
{
    /// <summary><c>Connection: close</c> after each response, as Odoo's prefork workers answer.</summary>
    Close,

    /// <summary>Connections stay open (Odoo's threaded mode, or a keep-alive app server).</summary>
    KeepAlive,
}
