# Libellés du bordereau de colis, français.
slip-title = Bordereau de colis
order = Commande
placed-on = Passée le
ship-to = Livrer à
items = Articles
qty = Qté
sku = Réf.
item-count = { $count ->
    [one] { $count } article
   *[other] { $count } articles
}
add-to-parcel = À ajouter à ce colis
box = Carton : { $box }
gift-wrap = Papier cadeau
kind-welcome_card = Carte de bienvenue
kind-thank_you_card = Carte de remerciement
kind-welcome_back = Carte de bon retour
kind-how_to_guide = Guide d’utilisation
kind-sample = Échantillon
kind-review_request = Demande d’avis
kind-referral_card = Carte de parrainage
kind-apology_card = Carte d’excuses
kind-gift = Cadeau
kind-flyer = Prospectus
coupon-heading = Votre bon de réduction
coupon-percent = { $percent } % de réduction sur votre prochaine commande
coupon-amount = { $amount } de réduction sur votre prochaine commande
coupon-free-shipping = Livraison offerte sur votre prochaine commande
valid-until = valable jusqu’au { $date }
min-spend = dès { $amount } d’achat
message-heading = Un mot pour vous
recs-heading = Vous aimerez peut-être aussi
rec-co-purchase = Va bien avec { $item }
rec-history = Apprécié des acheteurs de { $item }
rec-category = Un favori dans { $item }
rec-popular = Un favori de nos clients
returns-heading = Retours
page-of = Page { $page } sur { $pages }

# Listes de prélèvement par vague, pour l'entrepôt.
pick-title = Liste de prélèvement
pick-centre = Centre d'expédition { $centre }
pick-wave = Vague du { $date }, { $start }–{ $end } UTC
pick-orders = Commandes : { $orders }
pick-units = Unités
pick-totals = Encarts à prélever
pick-name = Nom
pick-manifest = Commandes avec des encarts
pick-time = Heure
pick-inserts = Encarts
pick-coupon = Bon de réduction
pick-deleted-insert = (encart supprimé)
pick-nothing = Rien à prélever dans cette vague.
