# Beschriftungen des Lieferscheins, Deutsch.
slip-title = Lieferschein
order = Bestellung
placed-on = Bestellt am
ship-to = Lieferadresse
items = Artikel
qty = Menge
sku = Art.-Nr.
item-count = { $count ->
    [one] { $count } Artikel
   *[other] { $count } Artikel
}
add-to-parcel = In dieses Paket legen
box = Karton: { $box }
gift-wrap = Geschenkverpackung
kind-welcome_card = Willkommenskarte
kind-thank_you_card = Dankeskarte
kind-welcome_back = Willkommen-zurück-Karte
kind-how_to_guide = Anleitung
kind-sample = Probe
kind-review_request = Bitte um Bewertung
kind-referral_card = Empfehlungskarte
kind-apology_card = Entschuldigungskarte
kind-gift = Geschenk
kind-flyer = Flyer
coupon-heading = Ihr Gutschein
coupon-percent = { $percent } % Rabatt auf Ihre nächste Bestellung
coupon-amount = { $amount } Rabatt auf Ihre nächste Bestellung
coupon-free-shipping = Kostenloser Versand bei Ihrer nächsten Bestellung
valid-until = gültig bis { $date }
min-spend = Mindestbestellwert { $amount }
message-heading = Eine Nachricht für Sie
recs-heading = Das könnte Ihnen auch gefallen
rec-co-purchase = Passt zu { $item }
rec-history = Beliebt bei Käufern von { $item }
rec-category = Beliebt in { $item }
rec-popular = Ein Kundenliebling
returns-heading = Rücksendungen
page-of = Seite { $page } von { $pages }

# Picklisten je Welle, für das Lager.
pick-title = Pickliste
pick-centre = Versandzentrum { $centre }
pick-wave = Welle vom { $date }, { $start }–{ $end } UTC
pick-orders = Bestellungen: { $orders }
pick-units = Stück
pick-totals = Zu entnehmende Beilagen
pick-name = Bezeichnung
pick-manifest = Bestellungen mit Beilagen
pick-time = Uhrzeit
pick-inserts = Beilagen
pick-coupon = Gutschein
pick-deleted-insert = (gelöschte Beilage)
pick-nothing = In dieser Welle ist nichts zu entnehmen.
