"""The till's fiscal rules (ARCA electronic comprobantes), as plain values and functions.

- ``parties``: IVA conditions (``CondicionIVAReceptorId``), the seller's condition,
  document types, the seller.
- ``buyer``: who buys (anonymous consumer by default, or identified), RG 5700.
- ``kinds``: comprobante classes and types (Factura A/B/C, Nota de Crédito A/B/C), which
  one the seller and buyer call for, and what ARCA accepts together.
- ``amounts``: ARCA's amounts (``ImpNeto``, ``ImpIVA``, ``AlicIva``…) from a sale's centavos.
- ``numbering`` and ``authorization``: point of sale, number, CAE or CAEA.
- ``dates``: the comprobante's date is Argentina's, whatever the machine's time zone.
- ``comprobante``: the comprobante that ties them together; ``qr``: the RG 4892 QR.

Nothing here talks to ARCA: the SOAP client turns these values into requests.
"""
