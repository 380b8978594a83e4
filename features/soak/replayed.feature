Feature: soak seed 40 replayed

  Written by the soak's feature writer from every event of `convsms soak --seed 40 --conversations 20 --messages 150 --agents 3 --faults none`
  (cli/src/soak/feature.rs, test `the_writer_reproduces_the_committed_replay`): each event
  kind as catalogue steps, run by `convsms check` like any feature. Regenerate it with
  CONVSMS_WRITE_SOAK_FIXTURE=1 cargo test -p convsms-cli --bin convsms the_writer_reproduces

  @soak
  Scenario: seed 40 replayed
    Given the virtual agent answers with the built-in topics
    Given the Conversational SMS provider numbers "+14159330709" and "+14153877107" and "+14155173153" and "+14154486508"
    Given a sys_user "Myrtis Wehner 1" with mobile phone "+819060814521" located in "JP"
    Given a consumer "Derrick McLaughlin 2" with mobile phone "+14158776633" located in "US"
    Given consumer "Derrick McLaughlin 2" has an open case "CS0000001" about "Late delivery"
    Given a customer contact "Vanessa MacGyver 3" with mobile phone "+61459177100" located in "AU"
    Given customer contact "Vanessa MacGyver 3" has a resolved case "CS0000002" about "Password reset"
    Given customer contact "Vanessa MacGyver 3" has an open case "CS0000003" about "Wrong item sent"
    Given a sys_user "Skye Waters 5" with mobile phone "+4915157446164" located in "DE"
    Given a consumer "Baby Doyle 6" with mobile phone "+819060814521" located in "JP"
    Given consumer "Baby Doyle 6" has an open case "CS0000004" about "Refund request"
    Given consumer "Baby Doyle 6" has an open case "CS0000005" about "Wrong item sent"
    Given a customer contact "Gavin Ruecker 7" with mobile phone "+393228944903" located in "IT"
    Given a sys_user "Demarcus Jaskolski 8" with mobile phone "+447856381867" located in "GB"
    Given sys_user "Demarcus Jaskolski 8" has a resolved case "CS0000006" about "Refund request"
    Given sys_user "Demarcus Jaskolski 8" has a resolved case "CS0000007" about "Damaged lamp"
    Given a consumer "Blanche Fay 9" with mobile phone "+819025396451" located in "JP"
    Given consumer "Blanche Fay 9" has a resolved case "CS0000008" about "Cancel my plan"
    Given a customer contact "Cayla Price 10" with mobile phone "+14158776633" located in "US"
    Given customer contact "Cayla Price 10" has a resolved case "CS0000009" about "Billing question"
    Given a customer contact "Elisha Kunde 12" with mobile phone "+33695018766" located in "FR"
    Given a sys_user "Elizabeth Bins 14" with mobile phone "+447484448608" located in "GB"
    Given sys_user "Elizabeth Bins 14" has an open case "CS0000010" about "Damaged lamp"
    Given sys_user "Elizabeth Bins 14" has an open case "CS0000011" about "Cancel my plan"
    Given a consumer "Travis Bayer 15" with mobile phone "+31615002873" located in "NL"
    Given a customer contact "Braulio Turcotte 16" with mobile phone "+819040344524" located in "JP"
    Given a sys_user "Jayda Lynch 18" with mobile phone "+819089497429" located in "JP"
    Given sys_user "Jayda Lynch 18" has an open case "CS0000012" about "Wrong item sent"
    Given sys_user "Jayda Lynch 18" has an open case "CS0000013" about "Late delivery"
    Given a consumer "Madalyn Turcotte 19" with mobile phone "+4915142544993" located in "DE"
    Given an agent "agent01" who is available for SMS
    Given an agent "agent02" who is available for SMS
    Given an agent "agent03" who is available for SMS
    Given a queue "Soak" for SMS with agents "agent01", "agent02", "agent03"
    Given agent "agent01" has SMS capacity 4
    Given agent "agent02" has SMS capacity 1
    Given agent "agent03" has SMS capacity 3
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 138 minutes pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+447484448608" texts "2" to "+14154486508"
    When "+447484448608" texts "doloremque vero perspiciatis molestiae rerum dolorum molestiae qui." to "+14154486508"
    When "+447484448608" texts "info" to "+14154486508"
    When "+393836040313" texts "commodi nostrum quo fugiat." to "+14153877107"
    When Twilio delivers the webhook of message #1 of IMS0001002 again
    When "+393836040313" texts "お世話になっております。注文の件です" with the image "https://cdn.example.com/soak/13/0-sticker.gif" to "+14153877107"
    When "+447484448608" texts "👍👍 thanks" to "+14154486508"
    When agent "agent02" goes away
    When agent "agent03" becomes available
    When "+447484448608" texts "" with the images "https://cdn.example.com/soak/14/0-sticker.gif" and "https://cdn.example.com/soak/14/1-photo.jpg" to "+14154486508"
    When "+819025396451" texts "agent" to "+14159330709"
    When "+14158776633" texts "eligendi suscipit occaecati quo ullam voluptas tempore eveniet impedit." to "+14153877107"
    When "+14158776633" texts "Merci beaucoup, ça marche 😀" to "+14154486508"
    When "+61459177100" texts "doloremque ut odio odit eaque quae commodi non voluptas doloremque facere magnam et magnam voluptatem illum dolorum cumque autem quia et dolores voluptatem alias et qui ut corrupti recusandae sit quibusdam sit molestiae quis cum quis ut ad facilis delectus ipsam sunt magnam corrupti occaecati ullam iste nihil et iste ab quis mollitia dicta aliquam qui aut voluptatem ut at iusto amet voluptatibus corrupti deserunt corporis quam ducimus" to "+14159330709"
    When "+447856381867" texts "iusto voluptatum aperiam sunt praesentium molestias non sed et iste nihil." to "+14155173153"
    When "+61459177100" texts "👍👍 thanks" to "+14159330709"
    When "+14158776633" texts "お世話になっております。注文の件です" to "+14153877107"
    When "+447484448608" texts "facere odio expedita iusto illum voluptatem dignissimos ut iusto odio dolor reiciendis et in minima accusamus cum ut voluptatem tempore illo eos odio quaerat vel exercitationem est cum eum omnis sunt non eos sunt veniam nihil non veniam voluptatem porro molestiae adipisci eos molestias est" to "+14154486508"
    When "+14158776633" texts "yes" to "+14153877107"
    When "+393836040313" texts "3" to "+14153877107"
    When "+447856381867" texts "quis deleniti ut dolor enim qui aperiam molestiae sed ut quae." to "+14154486508"
    When agent "agent01" rejects the work item for IMS0001003
    When 124 seconds pass
    When "+447484448608" texts "non sit et et laboriosam exercitationem id nobis." to "+14154486508"
    When agent "agent03" accepts the work item for IMS0001003
    When 64 seconds pass
    When Twilio delivers the webhook of message #1 of IMS0001008 again
    When 80 seconds pass
    When agent "agent03" composes "similique consequatur necessitatibus ducimus nostrum voluptate omnis." on interaction IMS0001003 from "+14159330709"
    When "+447856381867" texts "amet sequi eveniet facere placeat." to "+14155173153"
    When agent "agent03" composes "Danke! Können Sie mich zurückrufen?" on interaction IMS0001003 from "+14159330709"
    When "+819025396451" texts "dicta sed illo." to "+14159330709"
    When agent "agent03" composes "Merci beaucoup, ça marche 😀" on interaction IMS0001003 from "+14159330709"
    When "+447856381867" texts "aut sed saepe in ad vero ut laboriosam." to "+14154486508"
    When "+14158776633" texts "natus eum nihil a est ut numquam ipsum." to "+14154486508"
    When "+33695018766" texts "1" to "+14155173153"
    When "+61459177100" texts "iste blanditiis quo sed veniam." to "+14159330709"
    When agent "agent03" composes "nemo ab eos explicabo laborum laudantium cupiditate sit provident consequatur dolores et ipsum iusto officiis fuga possimus ab aut labore modi repellat molestiae enim et quisquam consectetur ut veritatis aut dolorum animi praesentium sapiente deserunt rerum vel natus tempore quo porro cumque asperiores quis minus fugit consequuntur consequuntur non explicabo ea eaque optio possimus veritatis voluptatem quasi non velit magnam ducimus molestiae necessitatibus eligendi suscipit reiciendis ratione quae eius vel aut natus quam aut ut ut autem ipsum dolorum suscipit vitae recusandae mollitia voluptas repellat distinctio et facilis consequatur voluptates quaerat possimus voluptatem voluptates optio similique dolor earum ut libero accusamus et sit sit autem aperiam tenetur repellat quis repudiandae officia asperiores culpa iste et quo quae quod sed autem natus porro est est harum quod eveniet quia mollitia laborum sunt et sint tempore doloribus exercitationem debitis placeat impedit quaerat quam perferendis omnis similique molestias atque sapiente aut suscipit nisi ea facilis quam voluptas numquam ullam suscipit dolore enim voluptatem pariatur sunt culpa ullam est rem earum hic officia velit nesciunt deserunt culpa aut corrupti omnis sunt quibusdam qui minima fugiat repudiandae doloribus consequatur et fuga eveniet quia explicabo ut facere aut dolores quis exercitationem aliquam ut quia consequuntur aut aliquid sequi voluptates earum corporis in ducimus explicabo aperiam eveniet amet et dolore inventore recusandae quod occaecati autem molestiae quo culpa occaecati similique velit q" on interaction IMS0001003 from "+14159330709"
    When Twilio delivers the webhook of message #1 of IMS0001008 again
    When 190 seconds pass
    When 35 seconds pass
    When "+14158776633" texts "culpa omnis accusamus quibusdam similique." to "+14153877107"
    When 96 seconds pass
    When "+819060814521" texts "est accusamus placeat atque laboriosam nobis ipsum ducimus atque id laudantium molestiae enim eum blanditiis quas dolor quia enim velit libero et omnis et voluptas eaque repellat necessitatibus provident ipsum eos dicta et quidem itaque quo incidunt vel modi incidunt vero consequatur dolores aspernatur recusandae dolore dolore voluptate sequi dolorem et culpa dolor fugiat maiores commodi saepe adipisci in ut qui illum deleniti occaecati quidem fugiat sint ipsum repudiandae in harum" to "+14154486508"
    When "+819025396451" texts "Notification" to "+14159330709"
    When agent "agent03" composes "sit explicabo molestias ea." on interaction IMS0001003 from "+14159330709"
    When agent "agent03" composes "temporibus incidunt dicta accusantium id eligendi expedita quasi modi." on interaction IMS0001003 from "+14159330709"
    When "+819025396451" texts "ducimus qui iure placeat iusto minima." to "+14159330709"
    When "+447484448608" texts "inventore consectetur rerum blanditiis." to "+14154486508"
    When agent "agent03" composes "eaque nobis non enim reiciendis at facere minus consequatur voluptatem." on interaction IMS0001003 from "+14159330709"
    When 61 seconds pass
    When "+14158776633" texts "non tempore ut aut." to "+14153877107"
    When agent "agent03" composes "inventore et dolor qui labore." on interaction IMS0001003 from "+14159330709"
    When agent "agent03" composes "rerum labore nobis quo enim nam omnis qui incidunt dolore praesentium." on interaction IMS0001003 from "+14159330709"
    When "+393836040313" texts "et animi magni sunt vero voluptas ducimus ut." to "+14153877107"
    When 223 seconds pass
    When agent "agent03" composes "incidunt sed cupiditate et minima sit in dolorem qui assumenda iste." on interaction IMS0001003 from "+14159330709"
    When agent "agent03" composes "animi excepturi pariatur temporibus voluptatem est at ipsam omnis." on interaction IMS0001003 from "+14159330709"
    When "+447484448608" texts "aperiam sint ut maxime quidem recusandae animi omnis." to "+14154486508"
    When agent "agent03" composes "quas et iure cumque." on interaction IMS0001003 from "+14159330709"
    When agent "agent03" composes "¿Cuándo llega mi pedido? 📦" on interaction IMS0001003 from "+14159330709"
    When 106 seconds pass
    When "+393836040313" texts "veritatis impedit et." to "+14153877107"
    When "+447484448608" texts "et aliquam tenetur et et deleniti sed." with the images "https://cdn.example.com/soak/14/0-sticker.gif" and "https://cdn.example.com/soak/14/1-sticker.gif" to "+14154486508"
    When 287 seconds pass
    When agent "agent03" composes "¿Cuándo llega mi pedido? 📦" with the attachment "receipt.png" of type "image/png" from "+14154486508" to "+819060814521" for consumer "Baby Doyle 6"
    When agent "agent01"'s SMS capacity becomes 4
    When 249 seconds pass
    When agent "agent03" composes "repellat est rem repellat id ut suscipit." on interaction IMS0001003 from "+14159330709"
    When agent "agent03" closes IMS0001003
    When Twilio delivers the webhook of message #17 of IMS0001001 again
    When agent "agent03" composes "quia in nam dignissimos laboriosam quod." on interaction IMS0001011 from "+14154486508"
    When "+14158776633" texts "2" to "+14153877107"
    When "+14158776633" texts "AGENT" to "+14153877107"
    When agent "agent03" sends the card of case "CS0000004" on interaction IMS0001011
    When agent "agent03" composes "corporis debitis exercitationem dolores maiores aliquam dolore consequatur facere repellat vel animi est nemo amet voluptatibus minima nisi perferendis quia in est quo possimus saepe et blanditiis molestiae beatae eveniet odit cum ea sed sed illo sit aut hic odio cum" on interaction IMS0001011 from "+14154486508"
    When agent "agent03" closes IMS0001011
    When "+819025396451" texts "laboriosam iure saepe aut id qui numquam totam id." to "+14159330709"
    When "+447856381867" texts "architecto amet nihil." to "+14154486508"
    When 251 seconds pass
    When agent "agent01" accepts the work item for IMS0001004
    When agent "agent01" becomes available
    When "+61459177100" texts "quibusdam dolorum quisquam et veniam quo ipsa facere optio deleniti." to "+14159330709"
    When agent "agent01" composes "et repellendus magni." on interaction IMS0001004 from "+14153877107"
    When "+393836040313" texts "agent" to "+14153877107"
    When agent "agent01" composes "Danke! Können Sie mich zurückrufen?" on interaction IMS0001004 from "+14153877107"
    When "+4915197973711" texts "nihil eum aut." to "+14153877107"
    When "+819060814521" texts "sit impedit reiciendis dolor facilis ipsum optio." to "+14154486508"
    When 289 seconds pass
    When 38 seconds pass
    When "+4915157446164" texts "" with the images "https://cdn.example.com/soak/5/0-sticker.gif" and "https://cdn.example.com/soak/5/1-sticker.gif" to "+14154486508"
    When "+447484448608" texts "laborum sed et et molestiae laboriosam illum magni eum qui." to "+14159330709"
    When agent "agent01" composes "debitis in quas nihil nihil atque dolorem fuga eos." on interaction IMS0001004 from "+14153877107"
    When agent "agent01" composes "dolorem et repudiandae inventore et cumque qui fuga dignissimos est beatae adipisci et doloremque pariatur quia enim ut consequatur voluptatem aperiam et et aut aliquid ducimus quia non quasi ipsum impedit debitis vel recusandae soluta sed iusto omnis veniam non iure quos velit eos dolorem impedit ut porro quo dolor sed quibusdam voluptatem veniam eius id dolores quia asperiores autem sapiente natus sit libero ea magnam excepturi expedita sed quam animi libero numquam sunt iusto blanditiis illo voluptas rerum minima libero totam officia id facere ex dolor dolor voluptatem at veniam ut omnis atque reiciendis quod et aut repellat modi aut consequatur non enim excepturi voluptate molestias corrupti voluptatem sapiente et consequatur voluptatem maxime neque quod facilis qui consequatur iure placeat doloremque eum quo non optio dolores tenetur aut vero nulla assumenda velit exercitationem ut impedit ut beatae qui cumque alias id inventore nam voluptas et sunt sapiente occaecati sequi architecto aspernatur blanditiis voluptate natus ullam optio id ut iure sequi veniam sit dicta odit cumque vel maxime sequi adipisci aspernatur ducimus voluptas nihil consequatur quisquam consequatur id et et quas et quae ut commodi sint alias suscipit voluptatum perferendis rem nam quia ut eligendi dignissimos veniam soluta modi voluptatem vel atque nesciunt in molestiae minus nemo ea voluptates harum nostrum eum magni eveniet vel eos pariatur nihil consectetur veniam veritatis possimus laudantium a quasi quis architecto quos excepturi magnam voluptas ipsa quia exercitationem dolorem omnis eos cupi" on interaction IMS0001004 from "+14153877107"
    When "+447856381867" texts "3" to "+14154486508"
    When agent "agent01" composes "¿Cuándo llega mi pedido? 📦" on interaction IMS0001004 from "+14153877107"
    When agent "agent01" closes IMS0001004
    When "+14158776633" texts "corrupti optio et autem quam sequi quas eum repellat corrupti." to "+14153877107"
    When "+14158776633" texts "" with the files "https://cdn.example.com/soak/10/0-contact.vcf", "https://cdn.example.com/soak/10/1-photo.jpg" and "https://cdn.example.com/soak/10/2-sticker.gif" to "+14154486508"
    When agent "agent01" goes away
    When agent "agent03" goes away
    When 8275 seconds pass
    When agent "agent01" becomes available
    When agent "agent03" becomes available
    When "+61459177100" texts "agent" to "+14159330709"
    When agent "agent01" rejects the work item for IMS0001002
    When 201 seconds pass
    When "+33695018766" texts "exercitationem asperiores debitis qui ipsam doloribus." to "+14155173153"
    When agent "agent03" rejects the work item for IMS0001002
    When "+14158776633" texts "agent" to "+14154486508"
    When "+819060814521" texts "STOP" to "+14154486508"
    When 194 seconds pass
    When agent "agent01" goes away
    When agent "agent03" goes away
    When 14981 seconds pass
    When agent "agent01" becomes available
    When agent "agent03" becomes available
    When agent "agent01" accepts the work item for IMS0001018
    When agent "agent02" becomes available
    When agent "agent01" composes "pariatur dolorem nostrum." on interaction IMS0001018 from "+14159330709"
    When agent "agent01" closes IMS0001018
    When "+61459177100" texts "agent" to "+14159330709"
    When 6 seconds pass
    When 210 seconds pass
    When "+819040344524" texts "no" to "+14153877107"
    When "+819040344524" texts "3" to "+14153877107"
    When "+447856381867" texts "fuga aliquam error repellat debitis." to "+14154486508"
    When 9 seconds pass
    When "+393836040313" texts "consequatur atque adipisci ut numquam minus facere quidem libero laudantium fuga ipsum dolorum unde ex ratione ab vitae sit sequi rerum illum labore repellat molestias ipsum assumenda sint expedita autem provident sunt et reiciendis impedit quidem quia unde mollitia quas dignissimos facilis cum praesentium ipsum labore occaecati velit omnis eius voluptas adipisci aliquam voluptatem aut id quasi ipsam labore numquam temporibus incidunt qui harum quo maxime vitae et eveniet dolore sunt reprehenderit est eos quia dignissimos ducimus minima culpa aspernatur autem aut non quae beatae ut necessitatibus fugit atque necessitatibus quidem suscipit nisi at quia dolore et impedit adipisci id praesentium dolorem atque laudantium sint aspernatur eligendi nihil animi quis quia et enim est perspiciatis laborum sint et non non qui omnis mollitia ea qui magnam voluptas quisquam veniam quod iusto reprehenderit omnis dicta numquam aut doloribus numquam quo libero corrupti quia laboriosam sunt veniam atque cumque nam voluptas aut quo error iusto molestiae aut maiores quas quo facere nemo eos maxime consequatur quidem perferendis praesentium sunt eum voluptas debitis consectetur recusandae et ullam excepturi voluptates id eos non voluptas minima doloribus aliquid minus quasi sequi adipisci consequatur enim pariatur autem ipsum id doloremque voluptatem consequatur blanditiis saepe hic pariatur aut veritatis maxime sit rerum aut ipsam labore ex exercitationem cupiditate nihil quo error qui libero qui quia optio voluptatem reprehenderit voluptatum voluptas odio qui asperiores omnis quia dignissimo" to "+14153877107"
    When "+14158776633" texts "voluptatem excepturi et voluptas at suscipit." to "+14155173153"
    When "+61459177100" texts "order" to "+14159330709"
    When "+33695018766" texts "est laudantium libero sint et veritatis sunt debitis laborum." to "+14155173153"
    When "+31615002873" texts "consequatur vel ad omnis consequatur quas unde blanditiis asperiores." to "+14153877107"
    When agent "agent02" rejects the work item for IMS0001002
    When "+4915142544993" texts "quam et est tempore laboriosam consequatur tempora aut saepe." to "+14153877107"
    When 143 seconds pass
    When agent "agent03" accepts the work item for IMS0001020
    When agent "agent03" accepts the work item for IMS0001022
    When agent "agent03" composes "eum officiis quia iusto ut quibusdam rerum repellat iure eaque nostrum." on interaction IMS0001020 from "+14154486508"
    When 113 seconds pass
    When 49 seconds pass
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 14166 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+14158776633" texts "7" to "+14154486508"
    When "+14158776633" texts "お世話になっております。注文の件です" to "+14155173153"
    When "+819040344524" texts "order" to "+14153877107"
    When agent "agent03" composes "Спасибо, жду ответа" on interaction IMS0001020 from "+14154486508"
    When 23 seconds pass
    When agent "agent03" composes "odio esse sunt fuga cumque tempora delectus." on interaction IMS0001022 from "+14159330709"
    When "+447484448608" texts "Danke! Können Sie mich zurückrufen?" to "+14159330709"
    When "+819040344524" texts "velit autem deleniti fugiat et placeat porro laborum repellat." to "+14153877107"
    When "+4915142544993" texts "ad labore est commodi omnis sunt suscipit voluptatem dolorem." to "+14153877107"
    When 200 seconds pass
    When "+447484448608" texts "omnis quam voluptatem quibusdam repellat ea voluptas sunt nobis ipsam." to "+14159330709"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 16766 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+31615002873" texts "aliquam aut sunt." to "+14153877107"
    When Twilio delivers the webhook of message #7 of IMS0001008 again
    When agent "agent03" composes "eligendi voluptatem sit exercitationem nihil sint ut nostrum dolorum." on interaction IMS0001020 from "+14154486508"
    When "+393836040313" texts "et earum dolore voluptatem voluptatem consequuntur officia." to "+14153877107"
    When agent "agent03" transfers IMS0001020 to queue "Soak"
    When agent "agent02" becomes available
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 15866 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 20964 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When agent "agent03" becomes available
    When "+819040344524" texts "rerum illum facere sed." to "+14153877107"
    When "+4915142544993" texts "no" to "+14153877107"
    When "+33695018766" texts "Спасибо, жду ответа" to "+14155173153"
    When "+819060814521" texts "START" to "+14154486508"
    When agent "agent03" composes "お世話になっております。注文の件です" on interaction IMS0001022 from "+14159330709"
    When "+819060814521" texts "aut et impedit nihil itaque ut animi reprehenderit excepturi." to "+14153877107"
    When agent "agent03" composes "quia aut inventore odit aperiam eveniet numquam aperiam non eaque." on interaction IMS0001022 from "+14159330709"
    When agent "agent03" composes "numquam optio aliquam quia qui laboriosam incidunt incidunt est." on interaction IMS0001022 from "+14159330709"
    When 224 seconds pass
    When Twilio delivers the webhook of message #1 of IMS0001028 again
    When 161 seconds pass
    When agent "agent01" accepts the work item for IMS0001020
    When "+819040344524" texts "natus commodi eos sunt dolores nihil a." to "+14153877107"
    When "+393836040313" texts "yes" to "+14153877107"
    When "+447856381867" texts "" with the image "https://cdn.example.com/soak/8/0-screenshot.png" to "+14154486508"
    When "+33695018766" texts "perspiciatis et magnam ducimus dignissimos corporis voluptatem quam delectus at nulla." to "+14155173153"
    When agent "agent01" composes "placeat ipsam voluptates assumenda excepturi numquam quod dignissimos." on interaction IMS0001020 from "+14154486508"
    When "+819060814521" texts "alias non delectus aut consequatur sed blanditiis." to "+14153877107"
    When "+393836040313" texts "autem quasi distinctio nostrum rerum perspiciatis." to "+14153877107"
    When agent "agent01" composes "atque iusto qui ipsum sapiente." on interaction IMS0001020 from "+14154486508"
    When "+819040344524" texts "agent" to "+14153877107"
    When "+819050857123" texts "rerum et dolor recusandae sapiente est ex aliquam non reprehenderit sunt deleniti eum saepe asperiores beatae quod distinctio iure ipsum incidunt aut sit et magnam velit nisi et totam consectetur sit provident doloremque sit modi maxime eaque excepturi in ipsum est porro optio nulla quaerat atque est id quia porro est qui atque earum ratione nihil sed et sed iure minus est sunt" to "+14155173153"
    When "+447856381867" texts "ad aliquam asperiores ut enim occaecati." to "+14154486508"
    When "+33695018766" texts "7" to "+14155173153"
    When agent "agent01" rejects the work item for IMS0001034
    When 232 seconds pass
    When agent "agent01" composes "Danke! Können Sie mich zurückrufen?" on interaction IMS0001020 from "+14154486508"
    When agent "agent03" composes "quod est illo qui explicabo." on interaction IMS0001022 from "+14159330709"
    When agent "agent03" composes "quia et et ea earum fugit qui nihil aut ut quaerat sed sed blanditiis perferendis et voluptatem ut neque aut occaecati nihil necessitatibus aut at est et fuga incidunt ipsa qui porro necessitatibus similique repellat vel mollitia dolorem rerum voluptatem incidunt in enim porro quos in consequatur aut voluptas magni accusamus repellat tempora aperiam laborum omnis dolor deserunt quo ea quod molestiae ea exercitationem illo laudantium dicta sit adipisci quasi aut earum modi ut quae explicabo quos et sint ut neque voluptatem quae dolor qui et sint voluptate vero asperiores aut numquam in qui ut deserunt sit voluptatem vel tempore quis qui fugit libero et voluptas recusandae explicabo sed sint quisquam aut atque nobis qui illum non expedita consequatur ut asperiores saepe illum facilis atque similique maiores occaecati ex quis non ab ipsa ut aut totam saepe sint ipsa qui voluptatem quos vero harum dolores debitis et nostrum asperiores provident voluptas omnis nisi dolor voluptate quia libero accusamus cupiditate velit quia nam quo quia sapiente voluptatibus ex amet aliquid corporis repellendus quisquam repellendus expedita dignissimos sit rem ullam sapiente tempore iste vero excepturi qui sed est autem exercitationem molestiae aut enim ea minus est porro eos soluta reprehenderit quod mollitia quia corporis sint excepturi et est magnam ipsum similique ad enim ea ut mollitia quod necessitatibus dolor optio ea ipsum non atque accusamus tenetur sit qui labore ut dolor sed dignissimos quia voluptates quia ullam sed magnam qui cum repellat et autem sed dignissimos inventore deleniti " on interaction IMS0001022 from "+14159330709"
    When "+393836040313" texts "ut hic omnis dolorum." to "+14153877107"
    When agent "agent03" composes "laborum totam consequatur repudiandae reprehenderit ea enim eius qui." on interaction IMS0001022 from "+14159330709"
    When agent "agent02" accepts the work item for IMS0001034
    When agent "agent01" goes away
    When "+447856381867" texts "Спасибо, жду ответа" to "+14159330709"
    When "+4915142544993" texts "non suscipit aspernatur eos sed dolor." to "+14153877107"
    When agent "agent01" composes "est dolores et error beatae dignissimos enim id et." on interaction IMS0001020 from "+14154486508"
    When agent "agent03" leaves IMS0001022
    When agent "agent03" becomes available
    When "+393836040313" texts "3" to "+14153877107"
    When "+447856381867" texts "quos inventore qui tempora." to "+14154486508"
    When agent "agent01" transfers IMS0001020 to queue "Soak"
    When agent "agent02" composes "ipsam placeat nulla fuga." on interaction IMS0001034 from "+14153877107"
    When "+447856381867" texts "repudiandae est quos impedit cumque aspernatur." to "+14159330709"
    When "+4915142544993" texts "¿Cuándo llega mi pedido? 📦" to "+14153877107"
    When Twilio delivers the webhook of message #11 of IMS0001002 again
    When "+819089497429" texts "ut eum labore non dignissimos quisquam quos." to "+14153877107"
    When agent "agent03" accepts the work item for IMS0001020
    When "+33695018766" texts "illum explicabo provident expedita ea omnis ut mollitia aspernatur et mollitia." to "+14155173153"
    When "+33695018766" texts "7" to "+14155173153"
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 8481 seconds pass
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+4915142544993" texts "¿Cuándo llega mi pedido? 📦" to "+14153877107"
    When "+4915197973711" texts "¿Cuándo llega mi pedido? 📦" to "+14155173153"
    When agent "agent03" composes "¿Cuándo llega mi pedido? 📦" on interaction IMS0001020 from "+14154486508"
    When "+4915197973711" texts "Merci beaucoup, ça marche 😀" to "+14155173153"
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 9521 seconds pass
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When 290 seconds pass
    When "+819050857123" texts "sapiente illum non aperiam ut." to "+14155173153"
    When "+819060814521" texts "no" to "+14154486508"
    When 244 seconds pass
    When "+819060814521" texts "3" to "+14153877107"
    When "+819050857123" texts "yes" to "+14155173153"
    When "+4915197973711" texts "ea ullam ducimus." to "+14155173153"
    When "+447484448608" texts "consequuntur ab quia sunt qui deleniti ducimus." to "+14155173153"
    When "+4915197973711" texts "officiis sint consequatur inventore sint ut odit ad." to "+14155173153"
    When agent "agent01" composes "nihil voluptates voluptatum est consectetur tempore doloribus modi necessitatibus." from "+14159330709" to "+4915142544993" for consumer "Madalyn Turcotte 19"
    When 216 seconds pass
    When agent "agent02" composes "occaecati ducimus dolore rem odio." on interaction IMS0001034 from "+14153877107"
    When "+447856381867" texts "dicta vitae ut maxime sed sint voluptas corporis eius." to "+14154486508"
    When "+33695018766" texts "tenetur ullam officiis qui officiis cum molestiae explicabo." to "+14159330709"
    When "+819060814521" texts "illum atque error non rem maiores ea est." to "+14153877107"
    When agent "agent02" composes "eos deleniti adipisci debitis soluta maxime consequatur et facere tenetur nostrum." on interaction IMS0001034 from "+14153877107"
    When agent "agent03" composes "Danke! Können Sie mich zurückrufen?" on interaction IMS0001020 from "+14154486508"
    When "+447484448608" texts "quia placeat dolores ut et culpa qui vitae in labore sunt cupiditate nisi ad dignissimos corrupti tempore ea nisi fugit exercitationem exercitationem voluptatem omnis fugit dolorem omnis unde sint ducimus labore officia sunt molestiae reiciendis ipsa adipisci ducimus omnis sit quae quam veniam quia quisquam et recusandae eum hic omnis a excepturi dolorem eum et est aut iste unde ratione ut autem sequi quis quasi quia nostrum ut quaerat in distinctio dolores molestias ut ab sapiente dicta mollitia sed harum aliquid assumenda molestias rerum eum repudiandae saepe itaque animi quam iusto omnis deleniti odit et voluptatem tempore quae quia sit voluptas eligendi et maiores assumenda aliquam similique soluta et repellendus cupiditate facere aut architecto nulla quasi saepe explicabo provident dolor cum et nihil vel enim ea voluptatem nesciunt tenetur doloribus dolorem hic consequatur sed enim ipsam dolor ab similique et excepturi voluptatibus est sit quibusdam asperiores molestiae iure ut ea quo beatae nam autem rem fugiat eum atque qui nam voluptatum nobis assumenda cumque ex voluptatem a iste eos quisquam ad fuga quo mollitia praesentium iusto corporis expedita beatae accusantium qui esse dolorem delectus tenetur praesentium modi reiciendis dolor veniam consequatur neque aut deleniti iusto blanditiis harum id libero officia animi porro eveniet porro consequuntur perferendis totam dolorem praesentium voluptatem nemo labore veniam praesentium totam minus vel pariatur et molestiae ea et ut a sit aliquid quasi rerum quidem laudantium necessitatibus non hic quas impedit quod delectu" to "+14155173153"
    When "+819050857123" texts "optio et reprehenderit cumque qui quia quaerat." to "+14155173153"
    When "+447856381867" texts "fugit eaque aut nihil." to "+14159330709"
    When agent "agent01" becomes available
    When "+4915142544993" texts "¿Cuándo llega mi pedido? 📦" to "+14153877107"
    When "+4915197973711" texts "" with the image "https://cdn.example.com/soak/4/0-screenshot.png" to "+14155173153"
    When "+819060814521" texts "" with the files "https://cdn.example.com/soak/6/0-photo.jpg", "https://cdn.example.com/soak/6/1-receipt.pdf" and "https://cdn.example.com/soak/6/2-sticker.gif" to "+14153877107"
    When 222 seconds pass
    When 273 seconds pass
    When "+819060814521" texts "impedit exercitationem voluptates." to "+14155173153"
    When "+393836040313" texts "tempora architecto dicta dolore et nostrum architecto voluptates provident eum soluta." to "+14159330709"
    When "+393228944903" texts "iure pariatur voluptas illum animi et enim repudiandae vel qui." to "+14154486508"
    When 210 seconds pass
    When agent "agent02" composes "repellendus eos possimus." on interaction IMS0001034 from "+14153877107"
    When agent "agent01" accepts the work item for IMS0001022
    When Twilio delivers the webhook of message #3 of IMS0001023 again
    When "+819060814521" texts "Merci beaucoup, ça marche 😀" to "+14153877107"
    When agent "agent03" transfers IMS0001020 to agent "agent01"
    When "+819025396451" texts "quia in voluptas ut nihil accusantium sunt atque minima earum." to "+14159330709"
    When agent "agent01" composes "excepturi occaecati qui aut impedit quaerat quo culpa ipsum." on interaction IMS0001050 from "+14159330709"
    When "+4915142544993" texts "non voluptate quia a voluptatem hic quibusdam modi pariatur officiis vitae." to "+14153877107"
    When "+447856381867" texts "nisi enim omnis." to "+14159330709"
    When agent "agent01"'s SMS capacity becomes 2
    When 123 seconds pass
    When 245 seconds pass
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 12303 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+393228944903" texts "no" to "+14154486508"
    When "+393142874927" texts "Спасибо, жду ответа" to "+14159330709"
    When "+31615002873" texts "labore quo ab quibusdam excepturi maiores." to "+14153877107"
    When "+393836040313" texts "" with the images "https://cdn.example.com/soak/13/0-sticker.gif", "https://cdn.example.com/soak/13/1-photo.jpg" and "https://cdn.example.com/soak/13/2-screenshot.png" to "+14159330709"
    When "+819060814521" texts "omnis necessitatibus ad ullam sequi quas totam unde." with the image "https://cdn.example.com/soak/1/0-screenshot.png" to "+14155173153"
    When agent "agent01" composes "velit distinctio delectus quis temporibus." on interaction IMS0001022 from "+14159330709"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 3774 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When agent "agent01" composes "quibusdam in praesentium." on interaction IMS0001050 from "+14159330709"
    When agent "agent01" closes IMS0001050
    When agent "agent01" accepts the work item for IMS0001020
    When Twilio delivers the webhook of message #1 of IMS0001023 again
    When agent "agent01" transfers IMS0001020 to agent "agent03"
    When "+819060814521" texts "ipsa est commodi autem sit qui aut et blanditiis." to "+14153877107"
    When 298 seconds pass
    When "+819060814521" texts "vitae molestiae id nostrum nisi." with the images "https://cdn.example.com/soak/6/0-photo.jpg" and "https://cdn.example.com/soak/6/1-sticker.gif" to "+14153877107"
    When "+393836040313" texts "maxime similique sit." to "+14159330709"
    When 208 seconds pass
    When agent "agent01" composes "corporis perferendis dignissimos optio doloremque." on interaction IMS0001022 from "+14159330709"
    When "+819050857123" texts "sit nam nesciunt ea doloremque hic qui occaecati." to "+14155173153"
    When "+819025396451" texts "ut nulla amet quidem soluta sint in est exercitationem quis." to "+14159330709"
    When 145 seconds pass
    When agent "agent03" rejects the work item for IMS0001020
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 8641 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+819060814521" texts "quidem est id eligendi ad quis cumque tempora." with the images "https://cdn.example.com/soak/1/0-sticker.gif" and "https://cdn.example.com/soak/1/1-sticker.gif" to "+14155173153"
    When agent "agent01" composes "et voluptate possimus perferendis eos adipisci est aut." on interaction IMS0001022 from "+14159330709"
    When agent "agent01" composes "neque veritatis rerum rerum quae eius dolor debitis aut sit consectetur ducimus placeat vel distinctio voluptatem illum amet debitis qui modi dolor similique et veritatis dolor odio ratione explicabo harum quisquam facere saepe doloremque saepe tempore ipsum reiciendis vel sint ipsum enim nam fuga reprehenderit nam facere asperiores at est atque pariatur impedit odit voluptatibus accusantium omnis voluptatem sunt enim placeat quae aut sunt sunt quia suscipit earum quia assumenda odit et reprehenderit ex ut placeat recusandae et nesciunt ut saepe molestiae quas repellendus et est voluptatum voluptatum reprehenderit quisquam modi nihil voluptates quas repellendus minima recusandae repudiandae sint amet earum autem cum omnis et ullam iste laudantium dicta ut dolores autem expedita rerum dolorum in repellat vel eos voluptas vel soluta aperiam commodi vero ratione sapiente unde numquam officia enim sequi et nostrum id ea autem sed mollitia deleniti omnis quia ut repellat aut adipisci non recusandae et veniam harum ducimus ipsum harum aliquam rem molestiae aspernatur et perspiciatis dicta fuga temporibus et culpa mollitia libero similique ad eum expedita et repellendus reprehenderit suscipit est reprehenderit repellat aut molestiae id autem quasi sunt quidem fugit illo tempore nesciunt placeat consequatur voluptate sed sapiente laborum qui itaque deserunt quaerat odio in eum quam autem velit eligendi reprehenderit suscipit et earum magnam incidunt nesciunt impedit rem ullam sint sunt laudantium quia quod enim repudiandae in illum accusamus et molestiae vel praesentium impedit ver" on interaction IMS0001022 from "+14159330709"
    When agent "agent01" becomes available
    When "+4915142544993" texts "yes" to "+14153877107"
    When 38 seconds pass
    When "+4915142544993" texts "laborum est dolores molestias nemo." to "+14153877107"
    When "+819050857123" texts "nulla eos autem temporibus dolor." to "+14155173153"
    When "+4915142544993" texts "cases" to "+14153877107"
    When agent "agent02" becomes available
    When 173 seconds pass
    When "+447856381867" texts "similique ut non corporis perspiciatis porro." to "+14159330709"
    When 229 seconds pass
    When 206 seconds pass
    When 236 seconds pass
    When Twilio delivers the webhook of message #1 of IMS0001056 again
    When 4 minutes pass
    When 72 seconds pass
    When "+31615002873" texts "yes" to "+14154486508"
    When 61 seconds pass
    When "+819060814521" texts "explicabo voluptas vitae voluptatem est." to "+14155173153"
    When agent "agent02" composes "👍👍 thanks" on interaction IMS0001034 from "+14153877107"
    When 1 second passes
    When "+819050857123" texts "incidunt modi placeat dolore eligendi minima in delectus voluptates quos." to "+14155173153"
    When "+819050857123" texts "3" to "+14155173153"
    When "+14158776633" texts "eaque ut quas quo id et ab labore quaerat sed consequatur." to "+14159330709"
    When agent "agent02" composes "dolorem qui ratione fuga harum nihil." on interaction IMS0001034 from "+14153877107"
    When "+819060814521" texts "et soluta nobis provident soluta." to "+14153877107"
    When "+14158776633" texts "quam enim quod eaque." to "+14159330709"
    When "+819060814521" texts "dolorum rerum quas quod soluta velit itaque." to "+14155173153"
    When "+447856381867" texts "consequatur ut eveniet repellat." to "+14159330709"
    When "+819050857123" texts "omnis dicta eveniet natus quis molestiae quisquam dolore assumenda cupiditate ut." to "+14155173153"
    When agent "agent02" composes "ut et quia deleniti." on interaction IMS0001034 from "+14153877107"
    When agent "agent02" composes "autem dignissimos enim mollitia doloremque corporis." on interaction IMS0001034 from "+14153877107"
    When agent "agent02" closes IMS0001034
    When "+14158776633" texts "occaecati aliquid eum et aut voluptas cumque consequatur asperiores blanditiis." to "+14159330709"
    When "+14158776633" texts "Merci beaucoup, ça marche 😀" to "+14159330709"
    When 30 minutes pass
    Then every soak invariant holds and every send has settled
