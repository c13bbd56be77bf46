"""Head office's side of ARCA: the taxpayer's settings, the fortnights' CAEAs (request,
publish to the tills, snapshot) and informing ARCA of the comprobantes issued with them.

- ``keys``: where the private key lives (keyring, or a 0600 file / systemd credential);
- ``taxpayers``: ``fiscal configure``, and the WSAA/WSFEv1 clients of a CUIT;
- ``grants``: ``fiscal caea request``, ``caea.granted`` to the tills, the snapshot's caeas;
- ``inform``: FECAEARegInformativo in number order, exactly once; sin movimiento;
- ``status``: per CUIT and fortnight, what was issued, informed, rejected, and alerts;
- ``scheduler``: the next fortnight's CAEA and the informing, run by a timer.
"""
