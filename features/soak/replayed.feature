Feature: soak seed 23 replayed

  Written by the soak's feature writer from every event of `convsms soak --seed 23 --conversations 20 --messages 200 --agents 3 --faults none`
  (cli/src/soak/feature.rs, test `the_writer_reproduces_the_committed_replay`): each event
  kind as catalogue steps, run by `convsms check` like any feature. Regenerate it with
  CONVSMS_WRITE_SOAK_FIXTURE=1 cargo test -p convsms-cli --bin convsms the_writer_reproduces

  @soak
  Scenario: seed 23 replayed
    Given the virtual agent answers with the built-in topics
    Given the Conversational SMS provider numbers "+14159048610" and "+14159280727" and "+14154965148" and "+14155261026"
    Given a sys_user "Heaven Von 1" with mobile phone "+33668199382" located in "FR"
    Given a consumer "Erna Cormier 2" with mobile phone "+5511937911129" located in "BR"
    Given consumer "Erna Cormier 2" has an open case "CS0000001" about "Router broken"
    Given consumer "Erna Cormier 2" has a resolved case "CS0000002" about "Cancel my plan"
    Given a customer contact "Savanna Howell 3" with mobile phone "+61416867400" located in "AU"
    Given customer contact "Savanna Howell 3" has a resolved case "CS0000003" about "Billing question"
    Given a sys_user "Yessenia McCullough 5" with mobile phone "+61416434782" located in "AU"
    Given sys_user "Yessenia McCullough 5" has an open case "CS0000004" about "Password reset"
    Given a consumer "Melvin Ward 6" with mobile phone "+61464120420" located in "AU"
    Given a customer contact "Frederic Hickle 7" with mobile phone "+61416867400" located in "AU"
    Given a sys_user "Annamae Dooley 8" with mobile phone "+61436960796" located in "AU"
    Given a consumer "Napoleon Mosciski 9" with mobile phone "+33617669923" located in "FR"
    Given a customer contact "Dudley Jaskolski 10" with mobile phone "+393501851368" located in "IT"
    Given a customer contact "Kane Howe 12" with mobile phone "+4915165589790" located in "DE"
    Given a sys_user "Osborne Witting 14" with mobile phone "+4915165589790" located in "DE"
    Given sys_user "Osborne Witting 14" has an open case "CS0000005" about "Password reset"
    Given sys_user "Osborne Witting 14" has a resolved case "CS0000006" about "Billing question"
    Given a consumer "Hope Barrows 15" with mobile phone "+4915163277900" located in "DE"
    Given consumer "Hope Barrows 15" has an open case "CS0000007" about "Billing question"
    Given a customer contact "Zion Mann 16" with mobile phone "+393346600831" located in "IT"
    Given a sys_user "Clay Lindgren 18" with mobile phone "+61448520186" located in "AU"
    Given sys_user "Clay Lindgren 18" has an open case "CS0000008" about "Wrong item sent"
    Given sys_user "Clay Lindgren 18" has an open case "CS0000009" about "Late delivery"
    Given a consumer "Elmer Beier 19" with mobile phone "+61418073606" located in "AU"
    Given consumer "Elmer Beier 19" has an open case "CS0000010" about "Router broken"
    Given the order "1001" is "In transit" with "DHL", expected "Thursday"
    Given an agent "agent01" who is available for SMS
    Given an agent "agent02" who is available for SMS
    Given an agent "agent03" who is available for SMS
    Given a queue "Soak" for SMS with agents "agent01", "agent02", "agent03"
    Given agent "agent01" has SMS capacity 4
    Given agent "agent02" has SMS capacity 4
    Given agent "agent03" has SMS capacity 4
    When "+5511955378987" texts "ab earum consequatur qui illum voluptatum nostrum qui ratione repellat." to "+14154965148"
    When 121 seconds pass
    When "+5511955378987" texts "alias eum unde recusandae repellat." to "+14154965148"
    When 71 seconds pass
    When "+61418073606" texts "voluptas voluptatem perspiciatis." to "+14159280727"
    When Twilio delivers the webhook of message #1 of IMS0001001 again
    When "+5511955378987" texts "sed et quia debitis." to "+14154965148"
    When "+61464120420" texts "3" to "+14159048610"
    When 139 seconds pass
    When "+61416867400" texts "qui blanditiis non esse asperiores nihil expedita adipisci distinctio." to "+14154965148"
    When agent "agent02" goes offline
    When "+5511955378987" texts "expedita fuga ut quia facilis." to "+14154965148"
    When "+33617669923" texts "qui non optio illum pariatur enim itaque rerum odio." to "+14155261026"
    When "+61464120420" texts "STOP" to "+14159048610"
    When "+5511937911129" texts "no" to "+14155261026"
    When 80 seconds pass
    When "+5511937911129" texts "a incidunt corporis quo rerum at eos." to "+14155261026"
    When 6 seconds pass
    When "+5511955378987" texts "sunt amet quibusdam aut mollitia nihil nostrum." to "+14154965148"
    When Twilio delivers the webhook of message #1 of IMS0001001 again
    When "+393346600831" texts "ut eum sapiente voluptatem tempore iste saepe vel quia." to "+14159280727"
    When "+5511955378987" texts "totam maiores omnis hic est vel in." to "+14154965148"
    When "+61418073606" texts "suscipit aut corrupti qui." to "+14159280727"
    When "+5511937911129" texts "quos excepturi sit itaque mollitia nemo neque adipisci." to "+14155261026"
    When "+5511937911129" texts "Merci beaucoup, ça marche 😀" to "+14155261026"
    When "+4915165589790" texts "no" to "+14154965148"
    When 127 seconds pass
    When agent "agent03"'s SMS capacity becomes 2
    When "+61418073606" texts "yes" to "+14159280727"
    When 109 seconds pass
    When "+393346600831" texts "molestiae delectus in facere." to "+14159280727"
    When "+447693500840" texts "minus aspernatur fuga illo." to "+14154965148"
    When 77 seconds pass
    When 205 seconds pass
    When "+447693500840" texts "necessitatibus dolores modi ut." to "+14154965148"
    When "+393346600831" texts "explicabo voluptates ex." to "+14159280727"
    When "+61464120420" texts "START" to "+14159048610"
    When "+61418073606" texts "culpa quam ea necessitatibus aspernatur sed nobis aut voluptas explicabo." to "+14159280727"
    When 70 seconds pass
    When "+447693500840" texts "お世話になっております。注文の件です" to "+14154965148"
    When "+4915163277900" texts "no" to "+14154965148"
    When agent "agent01" goes away
    When agent "agent03" goes away
    When 5038 seconds pass
    When agent "agent01" becomes available
    When agent "agent03" becomes available
    When "+33617669923" texts "eaque ut sint provident excepturi error quo animi fugiat sunt quas tempora et exercitationem in sapiente voluptas assumenda nam autem ipsam alias aut debitis perferendis omnis natus quia ut quos non neque aut officia voluptas officiis ut non neque eos recusandae voluptas quis quia cum deleniti ipsam aliquid consequatur consectetur vel minima modi corporis tempore pariatur adipisci omnis facilis" to "+14155261026"
    When 297 seconds pass
    When "+61416867400" texts "yes" to "+14159048610"
    When 58 seconds pass
    When 114 seconds pass
    When "+61416867400" texts "earum officia facere laborum quia voluptates omnis officia vel." to "+14159048610"
    When "+61418073606" texts "AGENT" to "+14159280727"
    When agent "agent01" accepts the work item for IMS0001002
    When "+4915165589790" texts "omnis quis repellendus corporis impedit." with the files "https://cdn.example.com/soak/14/0-receipt.pdf" and "https://cdn.example.com/soak/14/1-photo.jpg" to "+14154965148"
    When agent "agent01" composes "ipsum libero distinctio dolore et qui consequatur aut illum molestias." on interaction IMS0001002 from "+14159280727"
    When "+33617669923" texts "repellendus ex in id asperiores sapiente voluptas excepturi accusamus." with the image "https://cdn.example.com/soak/9/0-photo.jpg" to "+14155261026"
    When agent "agent01" composes "blanditiis ea eaque quaerat." on interaction IMS0001002 from "+14159280727"
    When "+447693500840" texts "est numquam sit vero sed eos qui tempora." to "+14154965148"
    When "+16044963380" texts "no" to "+14155261026"
    When "+61416867400" texts "Merci beaucoup, ça marche 😀" to "+14159048610"
    When "+61418073606" texts "お世話になっております。注文の件です" to "+14159280727"
    When "+393346600831" texts "3" to "+14159280727"
    When agent "agent03" becomes available
    When "+61418073606" texts "sed recusandae eius fugit veniam sit." to "+14159280727"
    When agent "agent01" composes "minus est est omnis in et accusantium distinctio fuga nihil optio vel temporibus vitae nostrum et voluptates sit ut iure veritatis doloremque tenetur hic numquam odit reiciendis voluptates impedit laboriosam non quis et est saepe exercitationem eum saepe eius itaque pariatur debitis commodi et qui iste mollitia quae doloribus modi quia magnam nobis maxime" on interaction IMS0001002 from "+14159280727"
    When "+447693500840" texts "incidunt dicta non quibusdam ut et perferendis deleniti sapiente ex." to "+14154965148"
    When "+393501851368" texts "facilis odit recusandae voluptatem minima adipisci quam inventore et sit." to "+14159048610"
    When "+5511937911129" texts "esse deleniti accusantium." to "+14155261026"
    When "+393346600831" texts "enim eos et esse consequuntur maxime earum in nesciunt blanditiis." to "+14159280727"
    When "+393346600831" texts "" with the images "https://cdn.example.com/soak/16/0-sticker.gif" and "https://cdn.example.com/soak/16/1-sticker.gif" to "+14159280727"
    When agent "agent01" composes "quo cumque quae deleniti eos modi hic sint consequatur." on interaction IMS0001002 from "+14159280727"
    When "+447693500840" texts "7" to "+14154965148"
    When "+5511937911129" texts "dolores perspiciatis aliquid ab aperiam quis facilis." to "+14155261026"
    When "+16044963380" texts "in qui soluta id in doloremque labore ratione officiis est." to "+14155261026"
    When "+33617669923" texts "velit harum perspiciatis quo laborum illo rerum minus quia mollitia minima doloremque praesentium nemo illo ea eum quisquam occaecati laudantium impedit suscipit excepturi et itaque laudantium dignissimos accusamus maiores voluptates rerum adipisci sapiente repellat hic eius id vitae sed exercitationem sunt aliquam unde quasi eligendi vel et incidunt ipsam dolores et at repellat aperiam nesciunt reprehenderit sit perspiciatis consequatur dignissimos voluptas eveniet repudiandae inventore impedit debitis vero quam pariatur est vel laboriosam enim sunt earum eos temporibus ut debitis vitae aut nihil rerum sit nihil unde earum sed aut eaque asperiores voluptatum vel nihil ex et aut minima perferendis aut quis architecto impedit laudantium voluptas hic aut voluptatibus ab natus deserunt porro in sed totam eos nisi non in nisi quia eveniet assumenda tenetur suscipit eaque et voluptates repellendus velit sequi deleniti qui fuga animi quo aliquid consequatur eum et qui aut aliquam omnis ipsa unde amet ratione non enim minima non et eligendi quis itaque excepturi omnis molestias maiores accusamus aliquid et voluptatem est iste qui at veniam quis ut reiciendis doloribus officiis omnis reprehenderit laborum aut dolore ullam quis itaque quibusdam temporibus omnis eius aut nemo dolore optio corrupti earum unde autem enim architecto non deleniti omnis eligendi error consectetur qui cum officia quidem iste id error architecto et ratione dolores qui eos cumque veritatis natus saepe magni quod reiciendis cumque quam vitae vitae corrupti voluptatibus consectetur error nihil vel corporis ut " to "+14155261026"
    When "+4915165589790" texts "dicta architecto illo ducimus illo neque." to "+14154965148"
    When agent "agent01" becomes available
    When agent "agent01" composes "officiis hic dolorum et culpa dolores nobis reiciendis in quod quia dolores ut corrupti consectetur autem ad aut aut saepe eveniet id voluptas voluptatem et voluptas excepturi ratione quas vero reiciendis ut quo et magni excepturi ullam dolore error fuga iste facere quam qui aut quas voluptate sunt recusandae quae incidunt recusandae" on interaction IMS0001002 from "+14159280727"
    When 82 seconds pass
    When agent "agent01" composes "tempora quae velit." on interaction IMS0001002 from "+14159280727"
    When "+393501851368" texts "ratione commodi tenetur magni consequatur sequi est mollitia sit vero et est est consequuntur voluptatem mollitia eum consequatur aut nihil iste et voluptatem eos non rerum numquam voluptas quisquam praesentium nemo quidem dignissimos consequatur et nulla quia magni at et quia tenetur quaerat illum aut ipsam ea repellendus sapiente ipsa excepturi dolorum commodi incidunt dolorem voluptates eum ducimus velit exercitationem cumque consequatur dolor minima" to "+14159048610"
    When "+447693500840" texts "praesentium dolores velit sequi quidem delectus voluptatum ullam reiciendis." to "+14154965148"
    When "+16044963380" texts "beatae dicta id quam eos et magni animi dolorem." to "+14155261026"
    When 187 seconds pass
    When "+33617669923" texts "dicta molestiae aut sed quo et quos aliquam odio." to "+14155261026"
    When "+4915163277900" texts "aut ad voluptate consequuntur quam ut doloribus debitis." to "+14154965148"
    When "+61416867400" texts "minima quia ut quidem explicabo." to "+14155261026"
    When agent "agent01" composes "libero autem doloribus velit numquam accusamus quis et." on interaction IMS0001002 from "+14159280727"
    When agent "agent01" composes "vel qui suscipit sit sint esse amet eum." on interaction IMS0001002 from "+14159280727"
    When "+5511937911129" texts "doloremque dicta quas sapiente eum voluptate voluptas." to "+14155261026"
    When agent "agent01" becomes available
    When agent "agent01" goes away
    When agent "agent03" goes away
    When 19352 seconds pass
    When agent "agent01" becomes available
    When agent "agent03" becomes available
    When agent "agent01" composes "odit quia numquam." on interaction IMS0001002 from "+14159280727"
    When agent "agent01" composes "autem aliquam ipsa beatae recusandae et." on interaction IMS0001002 from "+14159280727"
    When "+33617669923" texts "" with the images "https://cdn.example.com/soak/9/0-sticker.gif", "https://cdn.example.com/soak/9/1-screenshot.png" and "https://cdn.example.com/soak/9/2-sticker.gif" to "+14155261026"
    When 272 seconds pass
    When "+393501851368" texts "ipsum est sit exercitationem." to "+14159048610"
    When agent "agent01" composes "commodi consequuntur quidem doloremque velit." on interaction IMS0001002 from "+14159280727"
    When agent "agent01" closes IMS0001002
    When "+393346600831" texts "ut iusto velit est." to "+14159280727"
    When "+61416867400" texts "necessitatibus laborum ea unde ducimus molestiae dolores provident nobis." to "+14159048610"
    When "+447693500840" texts "eum eius harum ipsa iste ut." to "+14154965148"
    When "+16044963380" texts "eligendi quas maxime sint aspernatur in." to "+14155261026"
    When "+393346600831" texts "ut asperiores voluptatem provident impedit vitae omnis consequatur quia eum." to "+14159280727"
    When "+5511937911129" texts "vel doloribus facilis distinctio praesentium qui." to "+14155261026"
    When "+393346600831" texts "Спасибо, жду ответа" to "+14159280727"
    When "+393501851368" texts "nihil et consequatur sed ipsum." to "+14159280727"
    When "+61418073606" texts "voluptatem dolorem sint dolores excepturi vitae doloribus ipsum est." to "+14159280727"
    When "+61418073606" texts "2" to "+14159280727"
    When agent "agent02" goes away
    When "+33617669923" texts "quod repellat sapiente sint rerum explicabo." to "+14159280727"
    When "+61416867400" texts "order" to "+14155261026"
    When agent "agent03" goes away
    When 143 seconds pass
    When "+61416867400" texts "provident ut nulla vel laboriosam est veniam aut doloremque ipsa dolores." to "+14159048610"
    When 75 seconds pass
    When "+16044963380" texts "yes" to "+14155261026"
    When Twilio delivers the webhook of message #11 of IMS0001006 again
    When agent "agent03" composes "qui repudiandae asperiores culpa quia quo sequi ut quas ex recusandae." with the attachment "receipt.png" of type "image/png" from "+14155261026" to "+447693500840"
    When "+393501851368" texts "sunt praesentium et ipsa earum voluptatem at temporibus laboriosam." to "+14155261026"
    When 57 seconds pass
    When agent "agent03" composes "distinctio illum sunt quibusdam ut aut et et unde voluptate sequi qui quia magni tenetur unde est sit perferendis est cumque ea vitae quos est voluptatem voluptatum vel qui iste omnis voluptas aut similique dolore nulla minima asperiores et sit" on interaction IMS0001026 from "+14155261026"
    When agent "agent03" composes "¿Cuándo llega mi pedido? 📦" on interaction IMS0001026 from "+14155261026"
    When "+61416867400" texts "ipsam similique in." to "+14159048610"
    When 210 seconds pass
    When "+61418073606" texts "" with the files "https://cdn.example.com/soak/19/0-screenshot.png", "https://cdn.example.com/soak/19/1-photo.jpg" and "https://cdn.example.com/soak/19/2-clip.mp4" to "+14159280727"
    When agent "agent03" composes "perspiciatis dolorem corrupti occaecati voluptates aut laudantium odit iste impedit." on interaction IMS0001026 from "+14155261026"
    When "+61416867400" texts "1001" to "+14155261026"
    When agent "agent03" goes offline
    When agent "agent03" composes "doloribus quidem natus beatae quo cum voluptate atque accusamus eligendi." on interaction IMS0001026 from "+14155261026"
    When "+393346600831" texts "magnam quas laboriosam ipsa est dignissimos at dolorem ut minus." to "+14159280727"
    When 4 minutes pass
    When agent "agent03" composes "esse eaque voluptatem qui ratione et autem minima molestiae." on interaction IMS0001026 from "+14155261026"
    When "+447693500840" texts "👍👍 thanks" to "+14154965148"
    When "+393346600831" texts "aut vitae sit quibusdam deleniti et inventore qui eaque." to "+14159280727"
    When 225 seconds pass
    When "+5511937911129" texts "unde atque itaque omnis tempore aut." to "+14155261026"
    When 13 seconds pass
    When Twilio delivers the webhook of message #3 of IMS0001003 again
    When "+61416867400" texts "1" to "+14155261026"
    When 13 seconds pass
    When "+5511937911129" texts "AGENT" to "+14155261026"
    When agent "agent01" accepts the work item for IMS0001021
    When Twilio delivers the webhook of message #1 of IMS0001009 again
    When agent "agent03" composes "お世話になっております。注文の件です" on interaction IMS0001026 from "+14155261026"
    When Twilio delivers the webhook of message #13 of IMS0001006 again
    When "+61416867400" texts "AGENT" to "+14155261026"
    When agent "agent01" accepts the work item for IMS0001025
    When "+393501851368" texts "velit inventore debitis suscipit culpa ex reiciendis magnam." to "+14159048610"
    When "+5511937911129" texts "👍👍 thanks" to "+14155261026"
    When "+4915163277900" texts "totam vel distinctio totam voluptatem maiores minus ullam asperiores eum consequuntur." to "+14154965148"
    When "+4915163277900" texts "consequatur voluptatem facere modi omnis ut error ad rerum quidem." to "+14159048610"
    When "+5511955378987" texts "¿Cuándo llega mi pedido? 📦" to "+14154965148"
    When "+61416867400" texts "Merci beaucoup, ça marche 😀" to "+14159280727"
    When agent "agent01" goes away
    When 20733 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" goes offline
    When "+61416867400" texts "no" to "+14155261026"
    When "+61416867400" texts "incidunt dicta labore doloremque distinctio rerum aliquam sed nisi aperiam animi perferendis et in non ipsam sint sunt aut pariatur maiores impedit nisi corrupti doloremque dolor quis suscipit laborum tempore maxime est expedita qui officia quo et et eligendi consequatur unde maiores fugiat corrupti molestias molestiae soluta neque incidunt dolores" to "+14155261026"
    When agent "agent03" transfers IMS0001026 to agent "agent01"
    When "+393501851368" texts "esse rerum minima aperiam ipsa ut itaque asperiores omnis atque." to "+14159048610"
    When agent "agent01" goes away
    When 8060 seconds pass
    When agent "agent01" becomes available
    When 243 seconds pass
    When agent "agent01" accepts the work item for IMS0001026
    When "+61416867400" texts "Danke! Können Sie mich zurückrufen?" to "+14159280727"
    When "+61416867400" texts "agent" to "+14155261026"
    When "+61418073606" texts "ad quos asperiores in possimus voluptatem ut commodi facilis porro sed quam rerum soluta adipisci dolorum quo ut error reiciendis qui aut quo at dolor vero qui nobis ratione eum voluptatem vel natus laboriosam amet dolor delectus vel animi omnis sunt deserunt ut dolorem cumque et recusandae beatae reiciendis temporibus repellat velit incidunt" to "+14154965148"
    When 134 seconds pass
    When "+61418073606" texts "agent" to "+14154965148"
    When agent "agent01" accepts the work item for IMS0001034
    When "+4915163277900" texts "yes" to "+14154965148"
    When agent "agent01" becomes available
    When "+4915163277900" texts "praesentium alias dolore nam totam ut unde." to "+14154965148"
    When agent "agent01" composes "nisi aspernatur delectus repudiandae ut et debitis occaecati et ut." on interaction IMS0001026 from "+14155261026"
    When "+4915163277900" texts "quibusdam a ipsa sed quas." to "+14159048610"
    When agent "agent01" composes "Merci beaucoup, ça marche 😀" on interaction IMS0001021 from "+14155261026"
    When "+61418073606" texts "et adipisci ut est." to "+14154965148"
    When "+5511955378987" texts "corrupti rerum temporibus quaerat eum ducimus quos asperiores molestias." to "+14154965148"
    When agent "agent01" composes "voluptate similique consectetur est veritatis velit assumenda doloremque sunt ratione mollitia aliquam rerum alias consectetur accusantium sapiente sint et tempore numquam similique blanditiis ex voluptate molestiae qui accusantium porro laboriosam qui ut quis eius nobis aperiam et est consequatur doloremque at nulla incidunt velit quia dolor maiores minima error molestias porro ab aspernatur harum mollitia officia optio earum quo nobis quia mollitia est mollitia consequatur id est sint temporibus eveniet accusamus dolores consectetur repudiandae illum quia aliquid autem non harum iusto possimus qui neque distinctio quaerat qui fuga consequuntur et sit et itaque aliquid deleniti est reiciendis est fugit quisquam consequuntur consequatur nesciunt odio sit laborum suscipit soluta enim sunt minus quos debitis modi ex eaque explicabo dolorum aspernatur aliquam mollitia accusamus sunt unde nihil nemo enim numquam libero odit corrupti sed facilis quasi quisquam aspernatur et quo ut sed repellendus sed adipisci dolorem voluptas minus libero molestias nesciunt rem et praesentium qui nostrum quia neque veniam aut commodi inventore et eaque rerum inventore aut quia sint incidunt dolorem et est doloremque consectetur odit tempora necessitatibus sit voluptas sed adipisci provident ut provident id aperiam adipisci sunt temporibus fuga quia mollitia esse qui quo et maiores et at qui qui molestiae omnis ratione fugit odit voluptas quaerat ipsa et ut amet porro ad exercitationem sapiente facilis optio molestiae ex qui eveniet et tempora et reiciendis aliquam architecto unde consequatur et " on interaction IMS0001026 from "+14155261026"
    When agent "agent01" composes "enim enim alias quia laborum voluptates eos quia voluptatem et sed." on interaction IMS0001034 from "+14154965148"
    When "+61416867400" texts "omnis pariatur cum exercitationem mollitia eveniet." to "+14155261026"
    When "+33617669923" texts "yes" to "+14154965148"
    When 176 seconds pass
    When "+393501851368" texts "molestiae omnis quam qui est similique est vel et incidunt vitae autem illum quam debitis tempora velit ducimus quis vel eaque ducimus quia dolorem et voluptatem expedita quia quod molestiae vitae provident voluptatibus explicabo vel nam eum nam incidunt quia non cumque eveniet consectetur maiores facere aut sapiente dolores aut sit optio harum laboriosam voluptatem rerum" to "+14159048610"
    When "+447693500840" texts "nam est et ipsum repellat." to "+14154965148"
    When "+61448520186" texts "3" to "+14154965148"
    When "+4915163277900" texts "consequuntur nulla quisquam." to "+14159048610"
    When "+61418073606" texts "tempora repellendus adipisci ducimus doloribus dicta possimus eveniet voluptatum assumenda ut earum maiores assumenda officiis culpa a aut officiis magnam autem sit laboriosam quis quo id voluptatem quia aut ut tenetur alias enim natus totam qui perspiciatis et et aut aut qui harum blanditiis repellendus consequatur ut quis quos quam voluptate distinctio aliquid qui aliquid voluptatem praesentium voluptatem eos est voluptatem eius sunt cupiditate cupiditate tempore suscipit culpa dolore omnis qui atque enim soluta et cupiditate inventore enim quis natus velit enim possimus deleniti aut quia corrupti voluptatibus voluptate necessitatibus rerum suscipit aspernatur quasi sit modi vero quod laborum saepe est ullam explicabo rerum explicabo corrupti expedita iusto ex at assumenda vel provident dolores inventore inventore vel natus quia atque nihil error repellat laboriosam est accusamus voluptatem sint maiores cumque deleniti odio non ducimus molestiae placeat aut sint aut repellat occaecati non ex et sit sint optio eos consectetur alias commodi officiis doloremque sint voluptatem culpa et voluptas animi id voluptatem temporibus ut quam quam odio iure alias dolores possimus cupiditate et omnis nostrum sint rem pariatur nobis magni voluptates et natus vel rerum ipsam ratione veniam molestias ut non repellendus saepe aliquid aut nemo cum ut ipsum quis beatae officia dolorem officia neque omnis nemo voluptas qui cum aut est et labore placeat ut ratione facilis perferendis quae omnis quo dolorum dolorem mollitia ut praesentium quis mollitia cupiditate accusamus officiis in omnis con" to "+14154965148"
    When "+447693500840" texts "expedita unde sint nobis iusto sapiente." to "+14154965148"
    When 166 seconds pass
    When "+4915163277900" texts "praesentium sunt laborum dignissimos rerum vero tempore recusandae et qui veniam aut asperiores rerum a repellendus a culpa animi atque cupiditate error consequatur possimus quidem enim earum ut qui ullam esse iste rerum dolor excepturi voluptates doloremque aut in ut facilis inventore quis ea odit id ut est odio quia explicabo rerum sed neque delectus nostrum reiciendis" to "+14154965148"
    When "+61448520186" texts "minima odit perferendis ea totam nesciunt ea." to "+14154965148"
    When "+393501851368" texts "¿Cuándo llega mi pedido? 📦" to "+14159048610"
    When agent "agent01" composes "rerum a dolores ratione debitis rerum debitis." on interaction IMS0001025 from "+14155261026"
    When 187 seconds pass
    When "+61418073606" texts "ullam exercitationem non et vel est." to "+14154965148"
    When "+393346600831" texts "Danke! Können Sie mich zurückrufen?" to "+14159280727"
    When "+61448520186" texts "3" to "+14154965148"
    When agent "agent02"'s SMS capacity becomes 0
    When "+4915165589790" texts "2" to "+14154965148"
    When 2 minutes pass
    When "+393501851368" texts "maxime in quis molestiae recusandae accusantium ipsum eos reiciendis aspernatur reprehenderit." to "+14159048610"
    When "+5511937911129" texts "order" to "+14154965148"
    When "+5511937911129" texts "1001" to "+14154965148"
    When agent "agent02" becomes available
    When agent "agent01" composes "ratione dolor ut aliquid ratione dolorem doloremque dolorem dolorum." on interaction IMS0001026 from "+14155261026"
    When agent "agent03" goes offline
    When agent "agent01" composes "ut sapiente voluptates et ullam asperiores ratione." on interaction IMS0001021 from "+14155261026"
    When 224 seconds pass
    When "+393501851368" texts "cum delectus fuga." to "+14159048610"
    When "+61416867400" texts "necessitatibus maxime alias autem ut quia id." to "+14155261026"
    When agent "agent03" becomes available
    When "+61416867400" texts "occaecati est in repellendus consequatur." to "+14155261026"
    When "+33617669923" texts "architecto harum rerum blanditiis recusandae porro nam." to "+14154965148"
    When "+4915163277900" texts "3" to "+14155261026"
    When agent "agent01" composes "est quisquam accusamus beatae." on interaction IMS0001025 from "+14155261026"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 19370 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+33617669923" texts "totam et impedit eaque." to "+14154965148"
    When "+61416434782" texts "agent" to "+14159280727"
    When "+61464120420" texts "agent" to "+14159048610"
    When agent "agent03" accepts the work item for IMS0001047
    When "+5511937911129" texts "expedita sit consequatur voluptates id aliquam." to "+14159048610"
    When agent "agent03" accepts the work item for IMS0001048
    When "+33617669923" texts "voluptates quo ducimus repellendus rerum illum necessitatibus dolorem accusamus." to "+14154965148"
    When agent "agent01" composes "ea deserunt et velit aperiam atque libero non optio omnis aut animi quo sint aut consequatur nulla sint ducimus ea nisi dolorum illum dicta quasi enim et rem facere libero et fugit voluptatem similique nam deserunt earum possimus iure numquam voluptatem tenetur velit qui et velit natus nostrum doloribus nihil ad voluptatem voluptas maiores laudantium" on interaction IMS0001021 from "+14155261026"
    When "+4915165589790" texts "お世話になっております。注文の件です" to "+14154965148"
    When "+447885450215" texts "aut totam distinctio repudiandae est." to "+14154965148"
    When agent "agent03" composes "officiis aspernatur iusto est autem in vel ipsum animi dolorum consectetur." on interaction IMS0001048 from "+14159048610"
    When agent "agent03" composes "neque magni quasi et consectetur repellendus." on interaction IMS0001047 from "+14159280727"
    When agent "agent03" transfers IMS0001047 to queue "Soak"
    When agent "agent03" composes "rerum quidem animi pariatur cum ea id consectetur voluptatem enim ut quod est ipsa ipsam laborum nihil et animi consequatur ex quas deleniti sed et enim aliquid corrupti et sunt doloribus ipsam est corporis sit beatae nihil amet reiciendis eum inventore molestias minima eius molestias eum dolore eligendi consequatur ea aut esse et pariatur reprehenderit ut deleniti modi aut cum necessitatibus esse omnis eos in et maiores error excepturi harum quo earum id inventore a aperiam vero minus excepturi ipsa corporis exercitationem aut ex delectus corrupti ullam ipsam consectetur sequi nihil et voluptatem atque harum voluptas consequatur voluptatem quidem et sunt officia doloribus quae ut placeat quia aut ut qui repellendus ut consequuntur delectus reprehenderit dolorem minus sit consectetur quia voluptatibus a et harum odio aut eos ut unde sint maiores ex nam reprehenderit autem dicta incidunt ipsum eos a et quia minima fugiat similique ut sint quia consequuntur aut et aut nisi occaecati minima consectetur totam cupiditate facere harum eum asperiores reprehenderit blanditiis nesciunt exercitationem sed molestiae iusto sequi sint rerum non impedit doloremque quia sed omnis quia repudiandae architecto accusantium delectus et veniam aut velit quaerat nobis ipsa harum iure delectus dolorum beatae cupiditate eum architecto deleniti quia eaque dolores dolor et consequuntur non exercitationem ut ex cupiditate molestiae qui ab deserunt in fugit earum odit quasi voluptas provident commodi facere nisi animi asperiores nisi est necessitatibus maxime est molestiae labore doloribus doloremque " on interaction IMS0001048 from "+14159048610"
    When agent "agent03" leaves IMS0001048
    When 223 seconds pass
    When agent "agent01" composes "¿Cuándo llega mi pedido? 📦" on interaction IMS0001034 from "+14154965148"
    When agent "agent01" composes "ex qui sed." on interaction IMS0001026 from "+14155261026"
    When agent "agent01" closes IMS0001026
    When agent "agent01" composes "ratione eaque quae nulla adipisci." on interaction IMS0001034 from "+14154965148"
    When agent "agent01" composes "ratione iste voluptatem iure harum est." on interaction IMS0001021 from "+14155261026"
    When "+4915163277900" texts "saepe ratione ut libero ab." to "+14155261026"
    When "+4915165589790" texts "agent" to "+14154965148"
    When 32 seconds pass
    When 99 seconds pass
    When "+447885450215" texts "nisi aut nostrum quis." to "+14154965148"
    When 198 seconds pass
    When "+447885450215" texts "" with the images "https://cdn.example.com/soak/17/0-sticker.gif" and "https://cdn.example.com/soak/17/1-photo.jpg" to "+14154965148"
    When "+61448520186" texts "cumque mollitia rerum labore provident non rerum eaque." to "+14154965148"
    When 203 seconds pass
    When agent "agent03" becomes available
    When agent "agent01" accepts the work item for IMS0001047
    When agent "agent03" rejects the work item for IMS0001050
    When agent "agent01" composes "Merci beaucoup, ça marche 😀" on interaction IMS0001034 from "+14154965148"
    When agent "agent01" composes "suscipit et voluptas eligendi." on interaction IMS0001025 from "+14155261026"
    When "+447885450215" texts "eum deserunt aperiam quas sed." to "+14154965148"
    When 156 seconds pass
    When "+393346600831" texts "👍👍 thanks" to "+14159048610"
    When 165 seconds pass
    When 143 seconds pass
    When agent "agent01" transfers IMS0001021 to agent "agent03"
    When "+61448520186" texts "no" to "+14154965148"
    When "+447885450215" texts "alias nostrum autem odio in est optio aliquid." to "+14154965148"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 11099 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+447885450215" texts "culpa distinctio sapiente hic omnis maxime quas laudantium qui odit ab." to "+14154965148"
    When agent "agent01" composes "dolorem veniam voluptas qui repellat modi ut totam." on interaction IMS0001047 from "+14159280727"
    When "+61448520186" texts "" with the image "https://cdn.example.com/soak/18/0-photo.jpg" to "+14154965148"
    When agent "agent01" composes "tempora exercitationem est." on interaction IMS0001034 from "+14154965148"
    When agent "agent03" accepts the work item for IMS0001021
    When 197 seconds pass
    When "+61416434782" texts "numquam doloremque enim." to "+14159280727"
    When "+4915165589790" texts "3" to "+14154965148"
    When agent "agent03" becomes available
    When "+61464120420" texts "laudantium aut itaque autem commodi quae explicabo." to "+14159048610"
    When "+4915165589790" texts "Merci beaucoup, ça marche 😀" to "+14154965148"
    When 139 seconds pass
    When "+33617669923" texts "👍👍 thanks" to "+14154965148"
    When agent "agent01" accepts the work item for IMS0001048
    When agent "agent03" composes "dignissimos aut repellendus." on interaction IMS0001021 from "+14155261026"
    When agent "agent03" closes IMS0001021
    When agent "agent01" goes offline
    When 207 seconds pass
    When agent "agent01" composes "fugit dolor cum nobis natus eum veniam iusto quos." on interaction IMS0001034 from "+14154965148"
    When agent "agent01" closes IMS0001034
    When "+447885450215" texts "Merci beaucoup, ça marche 😀" to "+14154965148"
    When agent "agent01" composes "vel sunt eveniet cupiditate provident dignissimos maiores ut eos repudiandae reiciendis autem ut non numquam fugiat voluptate veniam aut quod repellat nihil illo temporibus rerum sit optio ex perferendis quasi dignissimos numquam quasi aspernatur quod omnis ipsam voluptatem corrupti quia iste quisquam non aut dolorem blanditiis cumque repellat molestiae ipsam eum eum temporibus rerum officiis unde et molestiae aspernatur eos rerum neque laboriosam quibusdam sit quaerat consequatur et illo cumque ullam dignissimos et labore aut" on interaction IMS0001047 from "+14159280727"
    When "+4915165589790" texts "sed sit doloribus perspiciatis eligendi facere." to "+14154965148"
    When agent "agent01" composes "magni accusamus aut officia laudantium praesentium." on interaction IMS0001048 from "+14159048610"
    When agent "agent01" composes "お世話になっております。注文の件です" on interaction IMS0001047 from "+14159280727"
    When "+61416434782" texts "cases" to "+14155261026"
    When agent "agent01" composes "reprehenderit quaerat et porro incidunt commodi aperiam." on interaction IMS0001025 from "+14155261026"
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 13649 seconds pass
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+61464120420" texts "magni magni maiores placeat iusto nostrum eos." to "+14159048610"
    When 242 seconds pass
    When 223 seconds pass
    When "+61464120420" texts "¿Cuándo llega mi pedido? 📦" to "+14159048610"
    When agent "agent01" composes "libero consequatur vel et quidem." on interaction IMS0001047 from "+14159280727"
    When "+61436960796" texts "odio veritatis laborum vero earum maxime cum fugit." to "+14159280727"
    When agent "agent01" composes "Спасибо, жду ответа" on interaction IMS0001048 from "+14159048610"
    When 272 seconds pass
    When "+393346600831" texts "earum expedita dolorem eligendi earum labore corrupti numquam animi sit." with the files "https://cdn.example.com/soak/16/0-photo.jpg", "https://cdn.example.com/soak/16/1-receipt.pdf" and "https://cdn.example.com/soak/16/2-sticker.gif" to "+14159048610"
    When "+61448520186" texts "agent" to "+14154965148"
    When Twilio delivers the webhook of message #5 of IMS0001025 again
    When agent "agent01" composes "Спасибо, жду ответа" on interaction IMS0001047 from "+14159280727"
    When "+61436960796" texts "yes" to "+14159280727"
    When agent "agent01" composes "¿Cuándo llega mi pedido? 📦" on interaction IMS0001048 from "+14159048610"
    When "+61448520186" texts "vel et corrupti tempora hic perferendis corporis." to "+14154965148"
    When "+5511937911129" texts "quam inventore fugit est nostrum delectus laboriosam culpa et repellat." to "+14159048610"
    When agent "agent01" composes "omnis laborum sunt voluptatibus in maiores nulla ab." on interaction IMS0001047 from "+14159280727"
    When "+61436960796" texts "quisquam ullam mollitia harum magnam sit commodi." to "+14159280727"
    When Twilio delivers the webhook of message #1 of IMS0001051 again
    When agent "agent03" rejects the work item for IMS0001061
    When "+33617669923" texts "et et repellendus consequatur hic sit veritatis quod." to "+14154965148"
    When "+4915165589790" texts "order" to "+14154965148"
    When "+61436960796" texts "ut dolores inventore ad eos." to "+14159280727"
    When agent "agent01" composes "modi nulla nemo voluptatem." on interaction IMS0001048 from "+14159048610"
    When agent "agent01" composes "ab ea soluta consequatur ab voluptates debitis eaque ut et officiis." on interaction IMS0001048 from "+14159048610"
    When agent "agent01" composes "quia rerum voluptatum est necessitatibus omnis in." on interaction IMS0001047 from "+14159280727"
    When "+33617669923" texts "yes" to "+14154965148"
    When "+61416434782" texts "1" to "+14155261026"
    When "+61416867400" texts "aut numquam perferendis et dolorum incidunt." to "+14155261026"
    When 172 seconds pass
    When "+5511937911129" texts "ab omnis repellendus animi iusto expedita tempore." to "+14159048610"
    When "+61448520186" texts "¿Cuándo llega mi pedido? 📦" to "+14154965148"
    When "+4915165589790" texts "tenetur totam vel accusamus laborum rerum sunt voluptas accusantium modi labore." to "+14154965148"
    When agent "agent01" composes "Danke! Können Sie mich zurückrufen?" on interaction IMS0001048 from "+14159048610"
    When "+393346600831" texts "3" to "+14159048610"
    When 67 seconds pass
    When "+33617669923" texts "repellendus facilis blanditiis maxime culpa ad voluptates quas atque tenetur culpa ea occaecati delectus dolorum iure consequatur possimus rem quisquam quo et dolorem repudiandae velit impedit deleniti quaerat in fugit cumque fugiat architecto ex sint nam ut ipsam asperiores corporis cupiditate ipsum ullam velit quam omnis repudiandae et unde laudantium vel similique sint est atque necessitatibus aut dolor eveniet non totam aliquam et unde similique modi asperiores itaque illum corporis voluptatibus ipsa quam tenetur sunt ratione a qui recusandae odio nobis asperiores corporis debitis hic a ea odio quaerat temporibus reiciendis dolor quia a dolores maxime quibusdam explicabo consequatur illo suscipit quis cumque necessitatibus et minima dolores explicabo non et et distinctio dolorem libero sed ut aspernatur incidunt culpa aut ipsam ipsum rerum non temporibus laborum harum ut id unde non voluptas minus et ut quia earum enim voluptates magni autem fugiat voluptas aspernatur eum animi maxime voluptatem quae ipsam deserunt illo eos vitae perspiciatis repellendus accusantium exercitationem assumenda pariatur repellendus accusamus consequatur fugiat odio neque quis quasi dolor consequuntur assumenda officiis rerum voluptate sapiente et libero quia commodi vel repellat eveniet nulla eos incidunt non dolorum praesentium et nam recusandae animi commodi dolorem est tempora ut illo iste voluptatem maxime vel harum ipsam ut aut et blanditiis quis cupiditate dolor omnis animi fugiat dolores eveniet velit dicta ducimus omnis et ut eius ut accusamus delectus ea accusantium vitae possimus " to "+14154965148"
    When agent "agent01"'s SMS capacity becomes 0
    When "+5511937911129" texts "et illo voluptatem consequatur et nam eum." to "+14159048610"
    When "+61464120420" texts "molestias provident quos illo id quia perferendis perspiciatis soluta quae quia consectetur porro sit voluptates sit neque neque amet error id et omnis et in temporibus nobis unde illum ut officiis facilis perferendis deserunt rerum ipsum maxime rerum praesentium corrupti et dicta dolor tempora laudantium velit dolorem aut est consequatur autem tenetur minima quaerat non eligendi laudantium dolor tempore modi rerum rerum saepe autem esse qui voluptatem qui non ullam unde et repellat eum error praesentium temporibus aut pariatur dolores labore et odio tempora mollitia est odio aliquam aut totam officiis ut omnis ut ab labore atque qui quos veritatis sit aut quas perspiciatis sed sit laudantium exercitationem provident dolorem enim quia ipsum dignissimos voluptas libero ex perferendis voluptas harum voluptatem aperiam soluta mollitia et non omnis fuga rem ipsum nihil ex saepe aut aspernatur cumque error aspernatur ut dolorem voluptatibus voluptatem fugiat et natus distinctio laudantium nihil et quia voluptatem eveniet voluptas eaque suscipit dolore voluptas tempore qui sequi sunt qui laudantium qui voluptatum ducimus quo amet veniam hic ut dolorum non ratione suscipit similique et velit accusamus ipsa ut dolores minima dolorum corrupti ut iste vero eveniet omnis odio facere magni quaerat sed odio voluptate repudiandae repudiandae quae et enim et voluptas iste pariatur cum nihil aut saepe non quos minus quam quidem commodi eum quos magni est deserunt unde numquam placeat rerum quaerat provident reprehenderit architecto laudantium aut minima facere odio libero voluptatum in lab" to "+14159048610"
    When 42 seconds pass
    When agent "agent01" composes "maxime esse vel recusandae ducimus esse dolores officiis." on interaction IMS0001048 from "+14159048610"
    When "+61416867400" texts "STOP" to "+14155261026"
    When 239 seconds pass
    When "+4915163277900" texts "perspiciatis culpa praesentium illo nihil aspernatur voluptas unde in omnis ut." to "+14154965148"
    When agent "agent01" transfers IMS0001048 to agent "agent03"
    When "+61416434782" texts "3" to "+14154965148"
    When agent "agent01" becomes available
    When "+4915163277900" texts "animi iusto tenetur molestiae voluptatem." to "+14154965148"
    When agent "agent01" sends the card of case "CS0000004" on interaction IMS0001047
    When "+61416434782" texts "ducimus quis expedita ullam rerum." to "+14154965148"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 5563 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When agent "agent03" accepts the work item for IMS0001048
    When Twilio delivers the webhook of message #9 of IMS0001009 again
    When agent "agent01" composes "est velit fugit aliquid ullam velit in est sint est modi." on interaction IMS0001047 from "+14159280727"
    When agent "agent01" closes IMS0001047
    When 20 seconds pass
    When "+61436960796" texts "Merci beaucoup, ça marche 😀" to "+14154965148"
    When agent "agent02" composes "sapiente dolorem omnis exercitationem qui temporibus consequuntur quibusdam magni optio molestiae voluptate facilis maxime iusto perspiciatis occaecati suscipit veniam adipisci nobis non rerum dicta autem repellendus atque ad quia exercitationem qui deserunt quia impedit fugit ut voluptatibus deleniti est voluptatem suscipit rem odio consequuntur id eius ut magni soluta placeat aut quibusdam itaque error architecto neque facere inventore eius neque recusandae quasi ab quibusdam et sed sed esse id voluptatum totam laboriosam maxime assumenda voluptatem facere iure cupiditate dolor in qui et quia earum error rerum molestiae sint id quia dolorem quod dignissimos qui earum sed est cum molestias ad ipsam enim et esse temporibus repellendus at voluptatem aperiam aliquid non ipsum nihil quod corrupti enim ea incidunt perspiciatis et eius tenetur a assumenda at blanditiis ea sed tempora dolorem est aperiam quae tempora distinctio quaerat ut assumenda ut corporis ea nihil numquam necessitatibus exercitationem et ratione similique vel saepe corporis esse veniam accusantium assumenda consequatur illo voluptatem sunt et provident voluptas quidem ex laudantium quasi culpa consectetur delectus ea et occaecati totam et sint optio iusto aut commodi est molestias voluptatum dignissimos ea assumenda maiores qui aspernatur non occaecati omnis quae maiores dolorum corporis qui rerum voluptatum vitae et consequuntur exercitationem non autem cumque in vero quis vel commodi aspernatur quo aspernatur blanditiis ratione ipsa voluptates provident sint laborum officia sed distinctio porro nobis numqu" with the attachment "receipt.png" of type "image/png" from "+14155261026" to "+61416867400" for customer contact "Savanna Howell 3"
    Then the request is refused with "Twilio error 21610"
    When 253 seconds pass
    When "+61416867400" texts "cupiditate hic quaerat sint." to "+14159280727"
    When "+61416434782" texts "7" to "+14155261026"
    When 58 seconds pass
    When "+61464120420" texts "tempore autem sint cumque expedita eos iusto aperiam error laborum." to "+14159048610"
    When 255 seconds pass
    When agent "agent03" composes "¿Cuándo llega mi pedido? 📦" on interaction IMS0001048 from "+14159048610"
    When "+61416867400" texts "7" to "+14154965148"
    When 165 seconds pass
    When "+4915163277900" texts "no" to "+14154965148"
    When Twilio delivers the webhook of message #1 of IMS0001008 again
    When 9 seconds pass
    When agent "agent03" composes "ipsum ut corrupti." on interaction IMS0001048 from "+14159048610"
    When 2 seconds pass
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 7999 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+33617669923" texts "quia exercitationem rerum quo inventore cumque deleniti at hic est nisi quo sequi ipsam distinctio omnis fuga harum consequatur quis quaerat enim harum totam sint officia ut tempora quis non magni enim enim dolor tempora veniam molestiae cum aut sit qui qui" to "+14154965148"
    When agent "agent03" composes "Merci beaucoup, ça marche 😀" on interaction IMS0001048 from "+14159048610"
    When agent "agent03" closes IMS0001048
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 8598 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+33668199382" texts "2" to "+14159280727"
    When 277 seconds pass
    When agent "agent02"'s SMS capacity becomes 2
    When agent "agent01" composes "aut aliquam sunt cumque sed corporis omnis similique animi a incidunt quos incidunt quia sint voluptas voluptates autem et qui eveniet tenetur necessitatibus cumque fugiat et omnis perferendis ut autem laborum voluptas corrupti autem quam laudantium dicta laboriosam repudiandae nulla dignissimos nemo ut et dolores tempore adipisci facere molestias similique sit ad omnis sit ducimus deleniti enim ipsam sed sed hic aut dolores eum quas et enim omnis occaecati ut temporibus ut ex ut temporibus et voluptas molestiae eos porro qui doloribus qui tempore qui architecto aut iure amet asperiores velit sequi quia quod quasi eum modi minus consequuntur perspiciatis fuga vero qui aut sint non similique velit nihil suscipit minima qui exercitationem dolorem nihil incidunt ratione illum deserunt et quis earum pariatur quas amet sint non eligendi qui enim ullam sapiente ut ullam qui et autem amet occaecati aut animi et id exercitationem natus corporis culpa pariatur ut et harum temporibus et deserunt porro ut eos voluptatibus neque eos repellat dicta et suscipit perferendis sit aliquam cupiditate qui molestiae numquam sunt eligendi quibusdam error animi dolores sit explicabo qui ipsa non quae totam porro magni saepe magni praesentium architecto sed id labore amet similique consequatur rerum est dignissimos et quae perferendis debitis alias dignissimos soluta excepturi necessitatibus modi veritatis aut natus ab officiis qui ea dolorum hic et quaerat quae autem et ipsam hic consectetur et in reiciendis enim animi qui deserunt omnis doloribus iste voluptatem consequatur et quo quas rem optio" on interaction IMS0001025 from "+14155261026"
    Then the request is refused with "Twilio error 21610"
    When agent "agent01" closes IMS0001025
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 5074 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+61416867400" texts "et temporibus iure." to "+14154965148"
    When agent "agent02" accepts the work item for IMS0001050
    When agent "agent01" goes offline
    When 3 seconds pass
    When 11 seconds pass
    When "+61418073606" texts "👍👍 thanks" to "+14159048610"
    When agent "agent02" accepts the work item for IMS0001061
    When agent "agent02" composes "👍👍 thanks" on interaction IMS0001061 from "+14154965148"
    When agent "agent02" composes "magni ut suscipit in quidem excepturi molestiae qui culpa aut." on interaction IMS0001061 from "+14154965148"
    When agent "agent02" sends the card of case "CS0000008" on interaction IMS0001061
    When "+33668199382" texts "aut facere repudiandae repellendus." to "+14159280727"
    When agent "agent02" composes "ea aut dolore commodi nulla nihil voluptatem eaque laudantium eius praesentium." on interaction IMS0001050 from "+14154965148"
    When "+61416867400" texts "cases" to "+14154965148"
    When "+61436960796" texts "est ipsum ex autem." to "+14154965148"
    When "+393501851368" texts "deleniti sunt aut asperiores excepturi atque quidem sunt." to "+14154965148"
    When "+5511937911129" texts "1" to "+14154965148"
    When 2 seconds pass
    When "+61464120420" texts "assumenda nihil cumque quaerat veritatis." to "+14159048610"
    When 87 seconds pass
    When "+61464120420" texts "ab suscipit aliquid officia." to "+14154965148"
    When agent "agent02" composes "veritatis nihil aut quos pariatur sed et." on interaction IMS0001050 from "+14154965148"
    When Twilio delivers the webhook of message #1 of IMS0001070 again
    When "+33668199382" texts "asperiores natus commodi omnis ut culpa." to "+14159280727"
    When 46 seconds pass
    When 35 seconds pass
    When "+61464120420" texts "veniam sed deleniti aut ducimus voluptatibus debitis ex." to "+14154965148"
    When "+4915163277900" texts "et vel in perferendis provident soluta voluptate sunt sunt culpa." to "+14159280727"
    When 130 seconds pass
    When 182 seconds pass
    When "+447693500840" texts "👍👍 thanks" with the files "https://cdn.example.com/soak/13/0-contact.vcf", "https://cdn.example.com/soak/13/1-sticker.gif" and "https://cdn.example.com/soak/13/2-sticker.gif" to "+14154965148"
    When agent "agent03" becomes available
    When 254 seconds pass
    When agent "agent02" composes "dolorum sunt hic sed." on interaction IMS0001050 from "+14154965148"
    When agent "agent02" closes IMS0001050
    When "+61436960796" texts "amet laudantium omnis dolorem qui delectus." to "+14154965148"
    When 12 seconds pass
    When "+61464120420" texts "sapiente fugit fuga aliquid." to "+14159280727"
    When time passes until every send has settled
    Then every soak invariant holds and every send has settled
