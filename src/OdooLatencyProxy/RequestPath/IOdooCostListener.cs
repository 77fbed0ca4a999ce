using OdooLatencyProxy.Odoo.Logs;

namespace OdooLatencyProxy.RequestPath;

/// <summary>
/// Hears what Odoo's access log said a proxied exchange cost, once its line has been joined to the exchange (after the
/// exchange was recorded: the line is written when Odoo finishes, and read from the log later).
/// </summary>
public interface IOdooCostListener
{
    /// <summary>Called once per joined exchange, off the request path. Must not throw.</summary>
    void CostJoined(ProxyExchange exchange, OdooRequestCost cost);
}
