Feature: soak seed 5 replayed

  Written by the soak's feature writer from every event of `convsms soak --seed 5 --conversations 20 --messages 60 --agents 3 --faults none`
  (cli/src/soak/feature.rs, test `the_writer_reproduces_the_committed_replay`): each event
  kind as catalogue steps, run by `convsms check` like any feature. Regenerate it with
  CONVSMS_WRITE_SOAK_FIXTURE=1 cargo test -p convsms-cli --bin convsms the_writer_reproduces

  @soak
  Scenario: seed 5 replayed
    Given the Conversational SMS provider numbers "+14156275331" and "+14159645185" and "+14155474738"
    Given a sys_user "Vivienne Blick 0" with mobile phone "+4915176993209" located in "DE"
    Given a consumer "Elizabeth Franecki 1" with mobile phone "+31640724174" located in "NL"
    Given a customer contact "Vincenzo Nienow 2" with mobile phone "+34604019783" located in "ES"
    Given a sys_user "Elyse White 4" with mobile phone "+5511926841004" located in "BR"
    Given a consumer "Etha Rath 5" with mobile phone "+919163472667" located in "IN"
    Given a customer contact "Lura Hane 6" with mobile phone "+61461443531" located in "AU"
    Given a sys_user "Pattie Smitham 8" with mobile phone "+5511978330904" located in "BR"
    Given a consumer "Joany O'Reilly 9" with mobile phone "+5511912884696" located in "BR"
    Given a customer contact "Carley Schaefer 10" with mobile phone "+33682277955" located in "FR"
    Given a sys_user "Ernesto Johnson 12" with mobile phone "+33662622477" located in "FR"
    Given a consumer "Serena Lesch 13" with mobile phone "+33616122666" located in "FR"
    Given a customer contact "Nolan Orn 14" with mobile phone "+4915110336305" located in "DE"
    Given a sys_user "Toy Runte 16" with mobile phone "+16044618323" located in "CA"
    Given a consumer "Alphonso Schinner 17" with mobile phone "+393366156480" located in "IT"
    Given a customer contact "Wilhelm Rosenbaum 18" with mobile phone "+447311522830" located in "GB"
    Given an agent "agent01" who is available for SMS
    Given an agent "agent02" who is available for SMS
    Given an agent "agent03" who is available for SMS
    Given a queue "Soak" for SMS with agents "agent01", "agent02", "agent03"
    Given agent "agent01" has SMS capacity 1
    Given agent "agent02" has SMS capacity 2
    Given agent "agent03" has SMS capacity 3
    When "+4915176993209" texts "yes" to "+14155474738"
    When "+5511912884696" texts "aut debitis qui fugit dolorem labore in quas totam porro et ea est non consequatur est sed hic atque deleniti recusandae neque ut consectetur temporibus quidem sit qui minus tenetur aut aut in voluptas pariatur odit sint iste suscipit cupiditate sit impedit dicta quia impedit maiores fugiat atque earum veritatis distinctio impedit modi deleniti sunt velit rem consequatur quidem assumenda possimus" to "+14156275331"
    When "+33617203172" texts "quia quis officia doloremque sunt eos aut sint aut voluptatum porro." to "+14155474738"
    When "+5511926841004" texts "nulla fuga iure non sit quaerat illum veritatis libero doloremque aperiam." to "+14156275331"
    When "+33682277955" texts "yes" to "+14155474738"
    When "+16044618323" texts "corporis illo dolor earum temporibus in." to "+14156275331"
    When agent "agent03"'s SMS capacity becomes 3
    When "+919287772946" texts "sed debitis voluptatem tempore et omnis non veniam eum est natus." to "+14156275331"
    When 108 seconds pass
    When "+393366156480" texts "AGENT" to "+14156275331"
    When "+447311522830" texts "nam quis ex vero fugit vero non rem." to "+14155474738"
    When "+31640724174" texts "et repellendus delectus magnam libero quaerat cum." to "+14155474738"
    When agent "agent03" accepts the work item for IMS0001008
    When 5554 seconds pass
    When "+393366156480" texts "3" to "+14159645185"
    When Twilio delivers the webhook of message #1 of IMS0001004 again
    When "+393366156480" texts "quod consequatur reiciendis omnis." to "+14156275331"
    When 23 seconds pass
    When "+31640724174" texts "iste sed eos sint." to "+14156275331"
    When "+33662622477" texts "ipsam velit autem vel dolore." to "+14159645185"
    When 118 seconds pass
    When 242 seconds pass
    When "+447311522830" texts "order" to "+14156275331"
    When "+4915176993209" texts "tempora sunt eius consequuntur." to "+14159645185"
    When agent "agent01" becomes available
    When "+447311522830" texts "magnam culpa laboriosam facilis asperiores praesentium quidem dignissimos." to "+14159645185"
    When 20 seconds pass
    When "+5511912884696" texts "Merci beaucoup, ça marche 😀" to "+14155474738"
    When "+33682277955" texts "est omnis quis vero." to "+14159645185"
    When "+61452459986" texts "agent" to "+14159645185"
    When "+919163472667" texts "ut quis consequatur eius aperiam temporibus repellat ut magni aut ut omnis odio rerum consequatur ut error quia recusandae magni ad veniam sed beatae eaque laudantium laudantium neque vero exercitationem molestias dolore alias consectetur consequatur dolorum est natus minus maxime recusandae voluptatem velit assumenda omnis est voluptatum corporis consequatur quia nihil pariatur id et deleniti iusto nesciunt ut odio nam cum perspiciatis et voluptatem sapiente ab incidunt" with the images "https://cdn.example.com/soak/5/photo-0.jpg", "https://cdn.example.com/soak/5/photo-1.jpg" and "https://cdn.example.com/soak/5/photo-2.jpg" to "+14156275331"
    When 230 seconds pass
    When 51 seconds pass
    When agent "agent03" composes "maiores eligendi dolores optio voluptatibus labore non repellat facere." on interaction IMS0001008 from "+14156275331"
    When agent "agent03" closes IMS0001008
    When "+34604019783" texts "" with the images "https://cdn.example.com/soak/2/photo-0.jpg" and "https://cdn.example.com/soak/2/photo-1.jpg" to "+14159645185"
    When "+5511978330904" texts "order" to "+14155474738"
    When "+31640724174" texts "sit velit quae repellendus pariatur vel qui quibusdam non alias." to "+14155474738"
    When "+33616122666" texts "1" to "+14155474738"
    When agent "agent03" rejects the work item for IMS0001019
    When agent "agent01" becomes available
    When "+4915176993209" texts "ab impedit debitis." to "+14156275331"
    When "+33617203172" texts "officia dolorum rerum rerum occaecati qui blanditiis natus eos." to "+14156275331"
    When Twilio delivers the webhook of message #1 of IMS0001020 again
    When "+919163472667" texts "" with the image "https://cdn.example.com/soak/5/photo-0.jpg" to "+14155474738"
    When "+16044618323" texts "dignissimos reprehenderit et corporis eveniet provident repellendus voluptas est." to "+14155474738"
    When "+5511912884696" texts "distinctio quibusdam iste quia voluptates sunt eligendi ullam et ullam repudiandae quia suscipit molestiae sunt minima ab omnis sed deserunt nihil autem omnis architecto voluptatem itaque autem facere molestias rerum labore et voluptatem et dignissimos quae sed sit adipisci sit qui ducimus libero est voluptas magnam fugit suscipit eum nisi magnam voluptatem perferendis voluptas eius et omnis" with the images "https://cdn.example.com/soak/9/photo-0.jpg", "https://cdn.example.com/soak/9/photo-1.jpg" and "https://cdn.example.com/soak/9/photo-2.jpg" to "+14156275331"
    When 188 seconds pass
    When "+4915110336305" texts "" with the image "https://cdn.example.com/soak/14/photo-0.jpg" to "+14155474738"
    When "+61452459986" texts "molestiae aut magni et et quisquam blanditiis cum harum incidunt est." to "+14156275331"
    When 39 seconds pass
    When "+4915176993209" texts "AGENT" to "+14159645185"
    When agent "agent03" composes "est qui doloribus qui distinctio et perspiciatis distinctio." from "+14156275331" to "+33682277955" for customer contact "Carley Schaefer 10"
    When agent "agent01" becomes available
    When agent "agent03" goes away
    When "+4915110336305" texts "no" to "+14159645185"
    When "+61452459986" texts "¿Cuándo llega mi pedido? 📦" to "+14156275331"
    When agent "agent01" accepts the work item for IMS0001015
    When "+61452459986" texts "ipsam velit numquam." to "+14159645185"
    When 18839 seconds pass
    When "+919163472667" texts "nam nisi animi occaecati officia vitae." to "+14159645185"
    When agent "agent01" composes "dignissimos voluptatem eum incidunt sequi et eum repudiandae sunt quia magni." on interaction IMS0001015 from "+14159645185"
    When "+33616122666" texts "aliquid placeat id quidem dicta architecto iste aut neque." to "+14155474738"
    When "+5511912884696" texts "id ea mollitia porro aspernatur." to "+14155474738"
    When "+5511978330904" texts "order" to "+14156275331"
    When agent "agent03" goes offline
    When "+33616122666" texts "asperiores nihil laudantium." to "+14155474738"
    When agent "agent03" composes "ut error cupiditate sunt." on interaction IMS0001030 from "+14156275331"
    When agent "agent02" accepts the work item for IMS0001019
    When agent "agent03" becomes available
    When agent "agent01" composes "molestiae ullam dolorem facere et nobis aspernatur omnis dignissimos." on interaction IMS0001015 from "+14159645185"
    When "+393366156480" texts "STOP" to "+14155474738"
    When 97 seconds pass
    When 142 seconds pass
    When agent "agent03" composes "sed maxime saepe eos vel qui ex dolor corporis quaerat enim." on interaction IMS0001030 from "+14156275331"
    When "+34604019783" texts "Danke! Können Sie mich zurückrufen?" to "+14156275331"
    When 229 seconds pass
    When 46 seconds pass
    When agent "agent02" composes "aut quae corrupti modi ipsam nostrum tempora rerum." on interaction IMS0001019 from "+14159645185"
    When agent "agent01" composes "corporis quo sed veniam eum." from "+14155474738" to "+33617203172"
    When "+5511912884696" texts "tenetur quia et reprehenderit voluptatem voluptatem nihil doloremque saepe." to "+14156275331"
    When agent "agent03" composes "Danke! Können Sie mich zurückrufen?" on interaction IMS0001030 from "+14156275331"
    When "+5511912884696" texts "aperiam exercitationem recusandae voluptas enim placeat." to "+14159645185"
    When "+33682277955" texts "" with the image "https://cdn.example.com/soak/10/photo-0.jpg" to "+14156275331"
    When "+393483502620" texts "minima accusantium exercitationem." to "+14155474738"
    When "+61408814200" texts "in esse suscipit et doloribus dicta porro et." to "+14156275331"
    When agent "agent03" composes "ratione autem consectetur aperiam iusto voluptatem inventore." on interaction IMS0001030 from "+14156275331"
    When "+4915110336305" texts "omnis perferendis quaerat iste." to "+14155474738"
    When agent "agent02" composes "commodi quisquam quo quae assumenda et." on interaction IMS0001019 from "+14159645185"
    When agent "agent02" closes IMS0001019
    When "+61461443531" texts "amet ut quos iste non magni assumenda quibusdam fugit." to "+14155474738"
    When "+5511978330904" texts "1" to "+14159645185"
    When agent "agent03" composes "ea omnis omnis sed eveniet." on interaction IMS0001030 from "+14156275331"
    When "+33662622477" texts "natus voluptatem quisquam omnis voluptates consequatur." to "+14155474738"
    When "+919287772946" texts "in harum quis corporis ut." to "+14155474738"
    When agent "agent01" becomes available
    When "+919163472667" texts "et est iure quia recusandae et voluptas rerum provident vel." to "+14155474738"
    When "+919287772946" texts "1" to "+14159645185"
    When agent "agent03" composes "doloribus omnis nihil iste exercitationem commodi." on interaction IMS0001030 from "+14156275331"
    When 199 seconds pass
    When "+61461443531" texts "2" to "+14159645185"
    When "+33682277955" texts "sit et aut vitae maiores dolor omnis." with the images "https://cdn.example.com/soak/10/photo-0.jpg" and "https://cdn.example.com/soak/10/photo-1.jpg" to "+14159645185"
    When "+447311522830" texts "non facilis placeat est quos saepe illum sequi enim veritatis." to "+14156275331"
    When "+919163472667" texts "¿Cuándo llega mi pedido? 📦" to "+14155474738"
    When agent "agent03" composes "Merci beaucoup, ça marche 😀" on interaction IMS0001030 from "+14156275331"
    When "+61452459986" texts "id pariatur dolores qui tempore omnis optio autem." to "+14159645185"
    When agent "agent01" composes "expedita deleniti necessitatibus expedita quo nisi." on interaction IMS0001015 from "+14159645185"
    When "+5511912884696" texts "voluptatem autem tempora quibusdam deleniti nemo." to "+14159645185"
    When agent "agent01" goes offline
    When "+34604019783" texts "dolorum voluptas blanditiis voluptate architecto sunt non perspiciatis reiciendis iusto." to "+14155474738"
    When Twilio delivers the webhook of message #1 of IMS0001021 again
    When "+919287772946" texts "quasi omnis quo aut modi ad voluptas voluptate esse." to "+14155474738"
    When 30 minutes pass
    Then every soak invariant holds and every send has settled
