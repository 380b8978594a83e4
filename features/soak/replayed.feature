Feature: soak seed 15 replayed

  Written by the soak's feature writer from every event of `convsms soak --seed 15 --conversations 20 --messages 100 --agents 3 --faults none`
  (cli/src/soak/feature.rs, test `the_writer_reproduces_the_committed_replay`): each event
  kind as catalogue steps, run by `convsms check` like any feature. Regenerate it with
  CONVSMS_WRITE_SOAK_FIXTURE=1 cargo test -p convsms-cli --bin convsms the_writer_reproduces

  @soak
  Scenario: seed 15 replayed
    Given the virtual agent answers with the built-in topics
    Given the Conversational SMS provider numbers "+14158682769" and "+14159346881" and "+14158356010" and "+14157380923"
    Given a sys_user "Oswald Hilll 1" with mobile phone "+14153968583" located in "US"
    Given a consumer "Columbus Glover 2" with mobile phone "+61482528959" located in "AU"
    Given a customer contact "Antwon Dare 3" with mobile phone "+14153968583" located in "US"
    Given a sys_user "Deonte Rohan 5" with mobile phone "+14159206364" located in "US"
    Given a consumer "Eliseo Considine 6" with mobile phone "+33659946576" located in "FR"
    Given a customer contact "Alek Keeling 7" with mobile phone "+16043095430" located in "CA"
    Given a consumer "Hadley O'Reilly 9" with mobile phone "+31686951215" located in "NL"
    Given a customer contact "Corbin Rempel 10" with mobile phone "+393808710431" located in "IT"
    Given a customer contact "Kyleigh Funk 12" with mobile phone "+34693026866" located in "ES"
    Given a sys_user "Lloyd Bayer 14" with mobile phone "+61400917128" located in "AU"
    Given a consumer "Adeline Bartoletti 15" with mobile phone "+4915127596081" located in "DE"
    Given a customer contact "Toney Bergstrom 16" with mobile phone "+61473715353" located in "AU"
    Given a sys_user "Peyton Balistreri 18" with mobile phone "+31662632201" located in "NL"
    Given a consumer "Keeley Muller 19" with mobile phone "+919369378084" located in "IN"
    Given an agent "agent01" who is available for SMS
    Given an agent "agent02" who is available for SMS
    Given an agent "agent03" who is available for SMS
    Given a queue "Soak" for SMS with agents "agent01", "agent02", "agent03"
    Given agent "agent01" has SMS capacity 1
    Given agent "agent02" has SMS capacity 2
    Given agent "agent03" has SMS capacity 3
    When "+31662632201" texts "expedita maxime saepe quo quia velit unde fuga doloribus vel optio culpa qui ipsa eum possimus dolor architecto laudantium occaecati quaerat omnis fugiat magnam dolore nihil sit velit accusamus tempore aut incidunt quo iusto iste est ea optio officiis est rerum dolor labore doloribus qui nam consequuntur deleniti est reiciendis voluptates quis quam dolor aspernatur eligendi hic et rem error occaecati ut omnis et id beatae fugit doloribus totam sed est voluptas vel enim ut dolores quisquam exercitationem esse nemo necessitatibus qui culpa laborum corporis fuga ex voluptatum non aut doloribus ad fugit molestiae eum fugit rem ratione hic qui aspernatur eligendi sapiente quia consequuntur accusamus omnis et qui excepturi occaecati vel qui voluptas ea sint sed quis qui voluptatem dolor qui laudantium dolore magnam quod sequi blanditiis ipsam quasi unde ut dolor veritatis quas ipsa harum quibusdam maxime amet quo officia dolores maiores et omnis cupiditate et laudantium nobis enim earum cum modi modi et qui in aperiam voluptatem unde et unde sunt voluptatem iure incidunt enim ab reiciendis distinctio dolorem veritatis esse quibusdam inventore quia inventore possimus recusandae libero aliquid unde nihil velit similique ut placeat molestiae perspiciatis iste quia ab aut cupiditate enim est reiciendis aperiam ullam mollitia nihil nisi minus iste reprehenderit nobis voluptas incidunt dicta commodi aspernatur et maxime ut rerum quam tempore adipisci molestiae a eum aut cumque assumenda nihil eos eius enim ipsa perspiciatis iure tempora neque velit minima ex officiis culpa inventore om" to "+14158682769"
    When agent "agent02" becomes available
    When "+14153968583" texts "debitis omnis doloribus non qui vero veritatis est non error eveniet." with the image "https://cdn.example.com/soak/1/0-sticker.gif" to "+14159346881"
    When agent "agent01" goes away
    When "+31662632201" texts "nisi quas laudantium quo modi natus blanditiis." with the images "https://cdn.example.com/soak/18/0-sticker.gif", "https://cdn.example.com/soak/18/1-photo.jpg" and "https://cdn.example.com/soak/18/2-sticker.gif" to "+14158682769"
    When 235 seconds pass
    When "+14153968583" texts "7" to "+14159346881"
    When "+31662632201" texts "7" to "+14158682769"
    When "+31662632201" texts "maxime provident illo tempore assumenda esse." to "+14158682769"
    When "+31662632201" texts "nostrum dolores pariatur quod doloremque sed ipsum nobis similique." to "+14158682769"
    When "+14153968583" texts "quis officiis sunt totam est aut labore ipsam blanditiis molestiae non." to "+14159346881"
    When 270 seconds pass
    When agent "agent03" composes "quia quia nobis." from "+14158356010" to "+33659946576" for consumer "Eliseo Considine 6"
    When 121 seconds pass
    When "+31662632201" texts "Спасибо, жду ответа" to "+14158682769"
    When "+14153968583" texts "¿Cuándo llega mi pedido? 📦" to "+14159346881"
    When "+14153968583" texts "eligendi eligendi et doloremque officiis assumenda aut autem." with the files "https://cdn.example.com/soak/1/0-screenshot.png", "https://cdn.example.com/soak/1/1-receipt.pdf" and "https://cdn.example.com/soak/1/2-contact.vcf" to "+14159346881"
    When agent "agent03" composes "お世話になっております。注文の件です" on interaction IMS0001003 from "+14158356010"
    When agent "agent03" composes "molestiae deserunt id ipsam." on interaction IMS0001003 from "+14158356010"
    When Twilio delivers the webhook of message #7 of IMS0001002 again
    When "+14153968583" texts "" with the images "https://cdn.example.com/soak/1/0-screenshot.png", "https://cdn.example.com/soak/1/1-photo.jpg" and "https://cdn.example.com/soak/1/2-sticker.gif" to "+14159346881"
    When "+31662632201" texts "yes" to "+14158682769"
    When agent "agent03" composes "quis rerum itaque." on interaction IMS0001003 from "+14158356010"
    When agent "agent03" composes "sed id voluptatem distinctio rem." from "+14158356010" to "+14159206364" for sys_user "Deonte Rohan 5"
    When "+31662632201" texts "magni perferendis assumenda similique culpa." to "+14158682769"
    When "+31662632201" texts "nisi autem sequi in." to "+14158682769"
    When Twilio delivers the webhook of message #7 of IMS0001002 again
    When "+31662632201" texts "2" to "+14158682769"
    When "+919369378084" texts "doloribus ut et qui ab rerum." to "+14159346881"
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 19883 seconds pass
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When 64 seconds pass
    When "+14153968583" texts "illum aut aspernatur sit sit suscipit quis." to "+14159346881"
    When agent "agent03" transfers IMS0001003 to agent "agent02"
    When "+4915127596081" texts "rem ea fuga rem dolorem error." to "+14157380923"
    When "+14153968583" texts "3" to "+14159346881"
    When agent "agent03" goes offline
    When agent "agent03" composes "nisi assumenda explicabo culpa quo sed aut omnis ut dolor." on interaction IMS0001004 from "+14158356010"
    When agent "agent03" closes IMS0001004
    When "+4915127596081" texts "fuga ut deleniti." to "+14157380923"
    When Twilio delivers the webhook of message #13 of IMS0001001 again
    When "+4915127596081" texts "ut voluptas illum maxime at repellat." to "+14157380923"
    When agent "agent02" accepts the work item for IMS0001003
    When "+4915127596081" texts "autem pariatur voluptate reprehenderit perspiciatis." to "+14157380923"
    When "+31662632201" texts "sit sint autem." to "+14158682769"
    When "+14153968583" texts "numquam occaecati neque quo voluptatem temporibus voluptatem error tenetur dolorem qui." to "+14159346881"
    When "+4915127596081" texts "Спасибо, жду ответа" to "+14157380923"
    When "+4915127596081" texts "Danke! Können Sie mich zurückrufen?" to "+14157380923"
    When 211 seconds pass
    When "+14153968583" texts "agent" to "+14159346881"
    When agent "agent02" composes "rerum illo in et omnis a dolore neque." on interaction IMS0001003 from "+14158356010"
    When agent "agent02" accepts the work item for IMS0001006
    When agent "agent02" composes "et assumenda dignissimos et aut nihil dolorum laboriosam in quod." on interaction IMS0001006 from "+14159346881"
    When "+4915127596081" texts "dicta velit vitae enim voluptatibus adipisci illo laboriosam perspiciatis magnam." to "+14157380923"
    When 26 seconds pass
    When 272 seconds pass
    When "+14153968583" texts "saepe odio voluptas ut quia vitae est quae temporibus soluta ullam dolores ipsa tenetur sit qui cum autem omnis fugiat inventore consequatur ea placeat nostrum non non qui eligendi magni et atque quia et aliquam suscipit et tempore eligendi dignissimos quam quia ut sint dicta in omnis sapiente soluta commodi dolorum culpa quis quae omnis natus nulla sint incidunt eos tenetur voluptatem et dolore modi quos voluptatem provident autem exercitationem exercitationem ratione deleniti voluptas sunt pariatur aut rerum aut nostrum nostrum neque eius nihil laudantium laudantium laborum facere incidunt suscipit pariatur repellendus provident quibusdam dolorem doloribus fugiat at dicta quis eum sint similique velit tempora enim qui ipsum ea nesciunt et maxime aut aliquid ut dignissimos rerum aliquam reprehenderit dicta quia sit mollitia velit et consequatur ratione nostrum alias qui distinctio culpa perferendis est consequatur enim eveniet consequatur ut at libero explicabo sequi quaerat fugit nulla ut necessitatibus porro eius possimus et ut harum autem animi aspernatur fugit sint eum dicta unde voluptatum aut magnam quod modi laborum modi nostrum dolorum ut fugiat quis qui molestiae voluptates ratione dolores et nobis possimus voluptates id aspernatur rem enim aut quos voluptatem tempora occaecati provident repudiandae corrupti ut officia quasi eveniet qui dolores non natus omnis sint inventore dolore quas assumenda esse quo amet earum eligendi magni rerum dolore deserunt omnis veritatis sunt cupiditate sed atque neque quidem asperiores qui ut qui temporibus soluta omnis nostrum offi" to "+14159346881"
    When "+393808710431" texts "sapiente iusto maxime voluptatem nihil et consectetur et voluptatem consequuntur error laborum veniam sunt excepturi incidunt quia nemo culpa et aperiam suscipit deserunt est debitis tempora culpa sit provident qui quia hic beatae autem nisi provident magni magnam et odio harum excepturi molestiae tenetur quae illo eos cum incidunt ea rem qui fuga quia culpa quibusdam a numquam et rerum voluptatum voluptate accusantium voluptatem illum possimus nobis sed et ut" to "+14157380923"
    When agent "agent02" goes away
    When 14465 seconds pass
    When agent "agent02" becomes available
    When 295 seconds pass
    When "+31662632201" texts "no" to "+14158682769"
    When agent "agent02" composes "deserunt enim molestias." on interaction IMS0001003 from "+14158356010"
    When "+31662632201" texts "vel maxime omnis voluptatem nam dolor." to "+14158682769"
    When "+919369378084" texts "お世話になっております。注文の件です" to "+14159346881"
    When agent "agent02" goes away
    When 20718 seconds pass
    When agent "agent02" becomes available
    When "+31662632201" texts "pariatur voluptate accusamus eos ut odio." to "+14158682769"
    When "+919369378084" texts "qui ducimus explicabo qui." to "+14159346881"
    When agent "agent02" composes "delectus qui perspiciatis sed quis quia et eligendi deleniti neque et dolorum neque doloremque maiores est sit rerum ut atque officia fuga praesentium repudiandae explicabo beatae maxime non porro quidem vel voluptatibus similique ea maxime porro eveniet similique accusamus voluptatem dolorem inventore eos laudantium sint iste sit rerum odit dolorem praesentium ut veritatis est est cumque aspernatur expedita incidunt pariatur voluptatem sit aut in explicabo qui ratione inventore qui ullam illo maiores ipsa sunt ut quam molestiae voluptas amet" on interaction IMS0001003 from "+14158356010"
    When "+919369378084" texts "iure tempore et quos ipsum consequatur nihil." to "+14159346881"
    When agent "agent02" composes "sunt sapiente a." on interaction IMS0001006 from "+14159346881"
    When agent "agent02" closes IMS0001006
    When "+919369378084" texts "no" to "+14159346881"
    When agent "agent02" goes away
    When 10590 seconds pass
    When agent "agent02" becomes available
    When "+31662632201" texts "dolore ut vel voluptas possimus nihil molestiae quidem unde ea." to "+14158682769"
    When "+31662632201" texts "excepturi ut voluptas excepturi qui est optio id rem aut." to "+14158682769"
    When 277 seconds pass
    When agent "agent02" composes "nesciunt sint qui corrupti fuga dolore perferendis nemo perferendis praesentium pariatur." on interaction IMS0001003 from "+14158356010"
    When 78 seconds pass
    When Twilio delivers the webhook of message #11 of IMS0001002 again
    When "+919369378084" texts "reiciendis voluptatem ea ea ut dignissimos ut culpa laudantium et quod." to "+14159346881"
    When "+31662632201" texts "Danke! Können Sie mich zurückrufen?" to "+14158682769"
    When 48 seconds pass
    When "+393808710431" texts "1" to "+14157380923"
    When "+393808710431" texts "order" to "+14157380923"
    When agent "agent02" composes "ut dicta sunt est sunt aliquam libero." on interaction IMS0001003 from "+14158356010"
    When agent "agent02" composes "ut aut cupiditate quae labore aperiam dignissimos eos voluptatibus voluptatum." on interaction IMS0001003 from "+14158356010"
    When "+4915127596081" texts "" with the image "https://cdn.example.com/soak/15/0-sticker.gif" to "+14157380923"
    When "+14153968583" texts "order" to "+14159346881"
    When 182 seconds pass
    When agent "agent03" composes "et eius et rerum." from "+14158682769" to "+31686951215" for consumer "Hadley O'Reilly 9"
    When agent "agent03" composes "nostrum est quam." on interaction IMS0001019 from "+14158682769"
    When agent "agent02" composes "placeat necessitatibus deleniti eos quo quasi fugiat ducimus nulla iure eveniet." on interaction IMS0001003 from "+14158356010"
    When "+14153968583" texts "voluptas reprehenderit autem minus." to "+14158356010"
    When "+61400917128" texts "a ducimus quae id quibusdam illo dolor ut." to "+14158682769"
    When "+14159206364" texts "laboriosam sed cum facere autem accusamus quam tempora." to "+14158682769"
    When 69 seconds pass
    When agent "agent02" leaves IMS0001003
    When 50 seconds pass
    When 262 seconds pass
    When "+61400917128" texts "fuga et quo dolores aspernatur exercitationem deleniti fugiat ut." to "+14158682769"
    When agent "agent01" goes away
    When agent "agent03" goes offline
    When 298 seconds pass
    When agent "agent01" becomes available
    When agent "agent01" goes away
    When agent "agent02" goes away
    When 11648 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" composes "rem ut optio est ad unde nam." on interaction IMS0001019 from "+14158682769"
    When "+4915127596081" texts "quidem voluptas sed enim ratione laudantium repellendus." to "+14157380923"
    When "+393808710431" texts "AGENT" to "+14157380923"
    When agent "agent03" composes "¿Cuándo llega mi pedido? 📦" on interaction IMS0001019 from "+14158682769"
    When agent "agent03" closes IMS0001019
    When "+16043095430" texts "magni cumque soluta a temporibus." to "+14158682769"
    When agent "agent01" rejects the work item for IMS0001003
    When "+4915127596081" texts "order" to "+14157380923"
    When "+919369378084" texts "soluta qui voluptatem amet cum." to "+14159346881"
    When "+14159206364" texts "yes" to "+14158682769"
    When agent "agent02" accepts the work item for IMS0001024
    When "+14153968583" texts "impedit voluptates dignissimos repellat et exercitationem aspernatur quia aliquam provident ut." to "+14158356010"
    When "+31662632201" texts "libero ut non quia eaque iste recusandae." to "+14158682769"
    When "+14159206364" texts "natus cupiditate qui et et voluptas vitae repudiandae in." to "+14157380923"
    When "+61473715353" texts "order" to "+14158356010"
    When agent "agent02" composes "voluptatem ut laudantium magni enim quis iusto perferendis nesciunt." on interaction IMS0001024 from "+14157380923"
    When "+4915127596081" texts "molestiae accusantium quis labore." to "+14157380923"
    When "+14159206364" texts "dolores quis cupiditate autem." to "+14157380923"
    When "+14159206364" texts "voluptatem animi dolorem." to "+14157380923"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When 11285 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When "+33659946576" texts "omnis ut voluptates ipsa quod ullam." to "+14159346881"
    When 297 seconds pass
    When "+14159206364" texts "illum a eum sint." to "+14157380923"
    When "+61473715353" texts "nam velit autem aperiam accusamus fugit eaque est omnis." to "+14158356010"
    When 227 seconds pass
    When 295 seconds pass
    When "+14153968583" texts "et nesciunt est quasi quae asperiores voluptates quos." to "+14158356010"
    When 163 seconds pass
    When agent "agent02" composes "quidem quis sunt dolore in qui cupiditate aspernatur similique eos accusamus." on interaction IMS0001024 from "+14157380923"
    When "+14159206364" texts "et quia dolorum non dolore pariatur eos." to "+14157380923"
    When "+14153968583" texts "fuga est neque aut error fuga saepe vero ut eveniet." to "+14159346881"
    When "+16043095430" texts "eum illum aperiam voluptatem libero modi aut incidunt quo et eveniet." to "+14158682769"
    When agent "agent03" goes away
    When agent "agent02" composes "qui esse voluptate itaque voluptatem." on interaction IMS0001024 from "+14157380923"
    When agent "agent02" closes IMS0001024
    When "+4915127596081" texts "tempora aspernatur quis ut quas corrupti totam quisquam autem ducimus blanditiis." to "+14157380923"
    When "+14153968583" texts "3" to "+14158356010"
    When "+61473715353" texts "agent" to "+14158356010"
    When "+919369378084" texts "placeat ea corrupti sunt eligendi iure dolore et laudantium dolorum." to "+14159346881"
    When "+14159206364" texts "quam dolorem velit est." to "+14158682769"
    When "+33659946576" texts "voluptate nesciunt omnis expedita voluptas minima quia iure et veritatis ducimus." to "+14159346881"
    When "+61400917128" texts "" with the images "https://cdn.example.com/soak/14/0-screenshot.png", "https://cdn.example.com/soak/14/1-photo.jpg" and "https://cdn.example.com/soak/14/2-sticker.gif" to "+14158682769"
    When 13 seconds pass
    When agent "agent01" goes away
    When agent "agent02" goes away
    When 4288 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent01" accepts the work item for IMS0001034
    When 100 seconds pass
    When agent "agent02" becomes available
    When "+33659946576" texts "2" to "+14159346881"
    When "+61482528959" texts "voluptas et est dolorum ea facere expedita." to "+14158682769"
    When "+14159206364" texts "unde commodi aut." to "+14158682769"
    When agent "agent03" goes offline
    When agent "agent01" composes "fugiat est et quis itaque reprehenderit dolor." on interaction IMS0001034 from "+14158356010"
    When agent "agent02"'s SMS capacity becomes 4
    When agent "agent01" composes "quis corrupti sed similique consequatur quaerat provident ut explicabo eaque." on interaction IMS0001034 from "+14158356010"
    When "+14159206364" texts "dolorum dolor repellat." to "+14157380923"
    When "+14153968583" texts "Спасибо, жду ответа" to "+14159346881"
    When "+16043095430" texts "order" to "+14158682769"
    When "+31662632201" texts "commodi veritatis ipsum rerum eveniet nam expedita id quas ut et." to "+14158682769"
    When "+919369378084" texts "👍👍 thanks" to "+14159346881"
    When "+14159206364" texts "STOP" to "+14158682769"
    When "+14153968583" texts "minima nihil rem." to "+14158356010"
    When Twilio delivers the webhook of message #3 of IMS0001033 again
    When agent "agent01" transfers IMS0001034 to queue "Soak"
    When "+14153968583" texts "qui quibusdam sed sint laborum est minima consequuntur." to "+14158356010"
    When "+61482528959" texts "non ut saepe in officiis minus eligendi fugiat libero numquam." to "+14158682769"
    When "+61482528959" texts "recusandae dolor voluptatem id dolorem." to "+14158682769"
    When Twilio delivers the webhook of message #7 of IMS0001006 again
    When "+33659946576" texts "ratione vero est necessitatibus suscipit quo ut voluptatem omnis." to "+14159346881"
    When 86 seconds pass
    When agent "agent02" composes "quasi laudantium recusandae." from "+14159346881" to "+14153968583" for customer contact "Antwon Dare 3"
    When "+34693026866" texts "praesentium incidunt voluptatem veritatis porro laborum iste." to "+14158682769"
    When agent "agent02" composes "sunt iste sed necessitatibus sed nisi rerum doloremque." on interaction IMS0001044 from "+14159346881"
    When agent "agent02" accepts the work item for IMS0001034
    When "+14153968583" texts "quis ea dicta non fugit saepe." to "+14159346881"
    When "+14159206364" texts "START" to "+14158682769"
    When 112 seconds pass
    When "+31662632201" texts "3" to "+14158682769"
    When agent "agent02"'s SMS capacity becomes 0
    When agent "agent03" becomes available
    When "+14153968583" texts "no" to "+14159346881"
    When Twilio delivers the webhook of message #1 of IMS0001034 again
    When "+919369378084" texts "¿Cuándo llega mi pedido? 📦" to "+14159346881"
    When agent "agent03" accepts the work item for IMS0001003
    When 158 seconds pass
    When "+61473715353" texts "iste non quisquam repudiandae et qui ducimus harum nostrum ut fugit." to "+14158356010"
    When "+14159206364" texts "Спасибо, жду ответа" to "+14158682769"
    When agent "agent02" composes "accusamus ut sapiente ut saepe ut reiciendis eveniet delectus qui eum." on interaction IMS0001034 from "+14158356010"
    When agent "agent02" closes IMS0001034
    When "+61473715353" texts "doloremque hic libero libero aut voluptates unde quis sit non." to "+14158356010"
    When 30 minutes pass
    Then every soak invariant holds and every send has settled
